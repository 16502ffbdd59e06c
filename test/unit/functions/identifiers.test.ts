import { describe, expect, it } from 'vitest';
import { createCompleteHandler } from '../../../functions/complete/complete';
import { createCreateOrderHandler } from '../../../functions/createOrder/createOrder';
import { createMobileHandler } from '../../../functions/mobile/mobile';
import { createLogger } from '../../../shared/logger';
import { fakeEntryDeps } from '../../helpers/entryDeps';
import { formEvent, httpApiEvent, jsonEvent } from '../../helpers/events';
import { anOrder, aPayment } from '../../helpers/fakes';
import { invoker } from '../../helpers/invoke';

function setup() {
  const deps = fakeEntryDeps({ orders: [] });
  const { iamport, orders } = deps;
  const logger = createLogger('test');
  return {
    iamport,
    orders,
    createOrder: invoker(createCreateOrderHandler({ ...deps, reconcileAfterSeconds: 60 }, logger)),
    complete: invoker(createCompleteHandler(deps, logger, [])),
  };
}

describe('ids are opaque at the edge: refused, never trimmed', () => {
  it.each(['X ', ' X', 'X\u00a0', '\ufeffX', 'X\u3000', 'X\u2028'])(
    'POST /orders refuses merchant_uid %j with a 400 naming the field, storing and preparing nothing',
    async (merchantUid) => {
      const { createOrder, orders, iamport } = setup();

      const result = await createOrder(jsonEvent({ merchant_uid: merchantUid, amount: 14_000 }));

      expect(result.statusCode).toBe(400);
      const body = JSON.parse(result.body ?? '{}') as { error: { code: string; message: string } };
      expect(body.error.code).toBe('INVALID_INPUT');
      expect(body.error.message).toContain('merchant_uid');
      expect(await orders.get(merchantUid)).toBeUndefined();
      expect(await orders.get(merchantUid.trim())).toBeUndefined();
      expect(iamport.prepares).toEqual([]);
    },
  );

  it('POST /payments/complete refuses an imp_uid with whitespace, even as the last form field', async () => {
    const { complete, iamport } = setup();

    for (const body of [{ imp_uid: ' imp_100000000001' }, { imp_uid: 'imp_100000000001 ' }]) {
      const result = await complete(formEvent(body));
      expect(result.statusCode).toBe(400);
      expect(result.body).toContain('imp_uid');
    }
    const trailingNewline = await complete({ ...formEvent({}), body: 'imp_uid=imp_100000000001\n' });
    expect(trailingNewline.statusCode).toBe(400);
    expect(iamport.calls.getPayment).toBe(0);
  });
});

describe('GET /payments/complete/mobile reads ids from the raw query', () => {
  it('finds the order whose merchant_uid has a raw +, not one with a space', async () => {
    const deps = fakeEntryDeps({
      payments: [aPayment({ merchant_uid: 'A+B' })],
      orders: [anOrder({ merchant_uid: 'A+B' })],
    });
    const { orders } = deps;
    const mobile = invoker(
      createMobileHandler(deps, createLogger('test'), new URL('https://shop.test.kr/result')),
    );

    const result = await mobile({ ...httpApiEvent({ method: 'GET' }), rawQueryString: 'merchant_uid=A+B' });

    const location = new URL(String(result.headers?.location));
    expect(location.searchParams.get('status')).toBe('paid');
    expect(location.searchParams.get('merchant_uid')).toBe('A+B');
    expect(orders.stored('A+B').status).toBe('paid');
  });
});
