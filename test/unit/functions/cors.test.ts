import { describe, expect, it } from 'vitest';
import { createCompleteHandler } from '../../../functions/complete/complete';
import { createCreateOrderHandler } from '../../../functions/createOrder/createOrder';
import { createGetOrderHandler } from '../../../functions/getOrder/getOrder';
import { createMobileHandler } from '../../../functions/mobile/mobile';
import { createWebhookHandler } from '../../../functions/webhook/webhook';
import { createLogger } from '../../../shared/logger';
import { fakeEntryDeps } from '../../helpers/entryDeps';
import { httpApiEvent } from '../../helpers/events';
import { invoker } from '../../helpers/invoke';

const shop = 'https://shop.test.kr';

/** Every deployed HTTP handler, as its handler.ts builds it, with the shop's origin allowed. */
function handlers() {
  const logger = createLogger('test');
  const deps = fakeEntryDeps();
  return {
    'POST /payments/complete': invoker(createCompleteHandler(deps, logger, [shop])),
    'GET /payments/complete/mobile': invoker(
      createMobileHandler(deps, logger, new URL(`${shop}/payments/result`)),
    ),
    'POST /payments/webhook': invoker(createWebhookHandler(deps, logger, { allowedIps: [] })),
    'POST /orders': invoker(createCreateOrderHandler({ ...deps, reconcileAfterSeconds: 60 }, logger)),
    'GET /orders/{merchant_uid}': invoker(createGetOrderHandler(deps.orders, logger)),
  };
}

const corsHeaders = (headers: Record<string, unknown> | undefined) =>
  Object.keys(headers ?? {}).filter((name) => /^access-control-allow-(origin|credentials)$/i.test(name));

describe('CORS on every deployed handler (the HTTP API adds none: httpApi.cors is off)', () => {
  for (const [route, handler] of Object.entries(handlers())) {
    const [method = 'GET'] = route.split(' ');
    for (const origin of ['https://evil.example', 'null']) {
      it(`${route} grants nothing to the origin ${origin}, on an answer or a preflight`, async () => {
        const answer = await handler(httpApiEvent({ method, body: '{}', headers: { origin } }));
        const preflight = await handler(
          httpApiEvent({ method: 'OPTIONS', headers: { origin, 'access-control-request-method': method } }),
        );
        expect(corsHeaders(answer.headers)).toEqual([]);
        expect(corsHeaders(preflight.headers)).toEqual([]);
      });
    }
  }

  it('grants the shop origin on /payments/complete only, never with credentials', async () => {
    for (const [route, handler] of Object.entries(handlers())) {
      const [method = 'GET'] = route.split(' ');
      const answer = await handler(httpApiEvent({ method, body: '{}', headers: { origin: shop } }));
      expect(corsHeaders(answer.headers), route).toEqual(
        route === 'POST /payments/complete' ? ['Access-Control-Allow-Origin'] : [],
      );
    }
  });
});
