import { describe, expect, it } from 'vitest';
import { createCompleteHandler } from '../../../functions/complete/complete';
import { createLogger } from '../../../shared/logger';
import { fakeEntryDeps } from '../../helpers/entryDeps';
import { httpApiEvent } from '../../helpers/events';
import { invoker } from '../../helpers/invoke';

const shop = 'https://shop.test.kr';

function complete(allowedOrigins: string[]) {
  return invoker(createCompleteHandler(fakeEntryDeps(), createLogger('test'), allowedOrigins));
}

describe('POST /payments/complete: CORS', () => {
  it('answers the preflight of an allowed shop origin', async () => {
    const result = await complete([shop])(
      httpApiEvent({ method: 'OPTIONS', headers: { origin: shop, 'access-control-request-method': 'POST' } }),
    );
    expect(result.statusCode).toBe(204);
    expect(result.headers).toMatchObject({
      'Access-Control-Allow-Origin': shop,
      'Access-Control-Allow-Methods': 'POST,OPTIONS',
    });
  });

  it('allows the shop origin on the answer, errors included', async () => {
    const result = await complete([shop])(httpApiEvent({ body: 'imp_uid=nope', headers: { origin: shop } }));
    expect(result.statusCode).toBe(400);
    expect(result.headers?.['Access-Control-Allow-Origin']).toBe(shop);
  });

  it('grants nothing to another origin, or when no origin is configured', async () => {
    for (const handler of [complete([shop]), complete([])]) {
      const result = await handler(
        httpApiEvent({ method: 'OPTIONS', headers: { origin: 'https://evil.test' } }),
      );
      expect(result.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
    }
  });
});
