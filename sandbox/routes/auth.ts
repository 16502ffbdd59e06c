import { z } from 'zod';
import { fail, messages, ok } from '../envelope';
import type { Route } from '../router';
import type { SandboxState } from '../state';
import { parseInput, textParam } from '../validate';

const getTokenSchema = z.looseObject({
  imp_key: textParam(z.string().optional()),
  imp_secret: textParam(z.string().optional()),
});

/** `POST /users/getToken`: the only API route reachable without a token. */
export function authRoutes(state: SandboxState): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/users/getToken',
      public: true,
      handler: ({ body }) => {
        const { imp_key, imp_secret } = parseInput(getTokenSchema, body);
        if (imp_key === undefined || imp_secret === undefined) return fail(400, -1, messages.missingKeys);
        if (!state.tokens.accepts(imp_key, imp_secret)) return fail(401, -1, messages.badKeys);
        return ok(state.tokens.issue(state.clock.nowSeconds()));
      },
    },
  ];
}
