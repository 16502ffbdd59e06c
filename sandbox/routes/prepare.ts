import { z } from 'zod';
import { fail, messages, ok } from '../envelope';
import type { Prepared } from '../prepare';
import type { Route } from '../router';
import type { SandboxState } from '../state';
import { currencyCode, numberParam, parseInput, textParam } from '../validate';

const prepareSchema = z.looseObject({
  merchant_uid: textParam(z.string().max(40)),
  amount: numberParam(z.number().positive()),
  currency: textParam(currencyCode.nullish()),
});

function prepared(body: unknown): Prepared {
  const input = parseInput(prepareSchema, body);
  return { merchant_uid: input.merchant_uid, amount: input.amount, currency: input.currency ?? null };
}

/** Amount pre-registration: POST registers once, PUT changes an existing one, GET reads it. */
export function prepareRoutes(state: SandboxState): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/payments/prepare',
      handler: ({ body }) => {
        const entry = prepared(body);
        return state.prepared.register(entry) ? ok(entry) : fail(200, 1, messages.prepareDuplicate);
      },
    },
    {
      method: 'PUT',
      pattern: '/payments/prepare',
      handler: ({ body }) => {
        const entry = prepared(body);
        return state.prepared.update(entry) ? ok(entry) : fail(404, -1, messages.preparedNotFound);
      },
    },
    {
      method: 'GET',
      pattern: '/payments/prepare/:merchant_uid',
      handler: ({ params }) => {
        const entry = state.prepared.get(params.merchant_uid ?? '');
        return entry ? ok(entry) : fail(404, -1, messages.preparedNotFound);
      },
    },
  ];
}
