import { z } from 'zod';
import { bare } from '../envelope';
import type { Route } from '../router';
import type { SandboxState } from '../state';
import { booleanParam, httpUrl, numberParam, parseInput, textParam } from '../validate';

const faultStatus = numberParam(z.int().min(400).max(599).optional());
const faultDelay = numberParam(z.int().min(0).max(300_000).optional());

const faultMixEntrySchema = z.strictObject({
  status: faultStatus,
  delay_ms: faultDelay,
  weight: numberParam(z.number().positive().max(1_000_000).default(1)),
  lose_answer: booleanParam(z.boolean().optional()),
});

const faultSchema = z
  .strictObject({
    rate: numberParam(z.number().min(0).max(1)),
    status: faultStatus,
    delay_ms: faultDelay,
    seed: numberParam(z.int().optional()),
    mix: z.array(faultMixEntrySchema).min(1).max(20).optional(),
    lose_answer: booleanParam(z.boolean().optional()),
  })
  .refine(
    (v) =>
      v.mix === undefined ||
      (v.status === undefined && v.delay_ms === undefined && v.lose_answer === undefined),
    {
      path: ['mix'],
      message: 'give either mix or status/delay_ms/lose_answer',
    },
  );

const configSchema = z.strictObject({
  webhook_url: textParam(httpUrl.nullable().optional()),
  webhook_format: textParam(z.enum(['json', 'form']).optional()),
});

const clockSchema = z
  .strictObject({
    advance_seconds: numberParam(z.number().optional()),
    /** Absolute time in unix seconds, Iamport's unit. */
    now: numberParam(z.int().nonnegative().optional()),
  })
  .refine((v) => (v.advance_seconds === undefined) !== (v.now === undefined), {
    message: 'give exactly one of advance_seconds or now',
  });

const waitSchema = z.looseObject({ wait: booleanParam(z.boolean().default(false)) });
/** `?api=v1|v2` narrows the request log to one API; without it both are listed. */
const requestsSchema = z.looseObject({ api: textParam(z.enum(['v1', 'v2']).optional()) });

/**
 * Control routes that steer the sandbox itself: faults, logs, clock, configuration, reset. Every answer
 * is JSON, a DELETE's being the emptied resource, so clients may always parse the body.
 */
export function controlAdminRoutes(state: SandboxState): Route[] {
  const clockView = () => ({ now: state.clock.nowSeconds(), now_ms: state.clock.now() });
  const configView = () => ({
    webhook_url: state.config.webhookUrl,
    webhook_format: state.config.webhookFormat,
  });

  return [
    {
      method: 'POST',
      pattern: '/__sandbox/faults',
      handler: ({ body }) => {
        const input = parseInput(faultSchema, body);
        state.faults.set({
          rate: input.rate,
          status: input.status ?? null,
          delay_ms: input.delay_ms ?? 0,
          seed: input.seed ?? null,
          ...(input.lose_answer ? { lose_answer: true } : {}),
          ...(input.mix
            ? {
                mix: input.mix.map((entry) => ({
                  status: entry.status ?? null,
                  delay_ms: entry.delay_ms ?? 0,
                  weight: entry.weight,
                  ...(entry.lose_answer ? { lose_answer: true } : {}),
                })),
              }
            : {}),
        });
        return bare(state.faults.current());
      },
    },
    { method: 'GET', pattern: '/__sandbox/faults', handler: () => bare(state.faults.current()) },
    {
      method: 'DELETE',
      pattern: '/__sandbox/faults',
      handler: () => {
        state.faults.clear();
        return bare(state.faults.current());
      },
    },
    {
      method: 'GET',
      pattern: '/__sandbox/requests',
      handler: ({ query }) => {
        const { api } = parseInput(requestsSchema, query);
        const entries = state.requests.list();
        return bare(api === undefined ? entries : entries.filter((e) => (e.api ?? 'v1') === api));
      },
    },
    {
      method: 'DELETE',
      pattern: '/__sandbox/requests',
      handler: () => {
        state.requests.clear();
        return bare(state.requests.list());
      },
    },
    {
      method: 'GET',
      pattern: '/__sandbox/webhooks',
      // `?wait=true` answers once every queued delivery has settled: idle() for out-of-process tests.
      handler: async ({ query }) => {
        if (parseInput(waitSchema, query).wait) await state.webhooks.idle();
        return bare(state.webhooks.deliveries());
      },
    },
    {
      method: 'DELETE',
      pattern: '/__sandbox/webhooks',
      handler: () => {
        state.webhooks.clearLog();
        return bare(state.webhooks.deliveries());
      },
    },
    { method: 'GET', pattern: '/__sandbox/config', handler: () => bare(configView()) },
    {
      method: 'PUT',
      pattern: '/__sandbox/config',
      handler: ({ body }) => {
        const input = parseInput(configSchema, body);
        if (input.webhook_url !== undefined) state.config.webhookUrl = input.webhook_url;
        if (input.webhook_format !== undefined) state.config.webhookFormat = input.webhook_format;
        return bare(configView());
      },
    },
    { method: 'GET', pattern: '/__sandbox/clock', handler: () => bare(clockView()) },
    {
      method: 'POST',
      pattern: '/__sandbox/clock',
      handler: ({ body }) => {
        const input = parseInput(clockSchema, body);
        if (input.now !== undefined) state.clock.set(input.now * 1000);
        else if (input.advance_seconds !== undefined) state.clock.advance(input.advance_seconds);
        return bare(clockView());
      },
    },
    {
      method: 'POST',
      pattern: '/__sandbox/reset',
      handler: () => {
        state.reset();
        return bare({ ok: true });
      },
    },
  ];
}
