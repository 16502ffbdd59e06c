import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DynamoAnswersProxy, startDynamoAnswersProxy } from '../../local/dynamoAnswers';
import { verifyPayment } from '../../shared/payments/verifyPayment';
import { cloneOrdersTable } from '../chaos/stack';
import { dynamoContractStores } from '../helpers/dynamoContractStores';
import { payInSandbox, startTestStack, type TestStack, uniqueMerchantUid } from '../helpers/stack';
import { describeOrderStoreContract } from '../unit/orders/orderStoreContract';

/**
 * A refused hot path answers with the stored order (docs/decisions.md, "Duplicates"). DynamoDB puts it
 * in the ConditionalCheckFailedException (ALL_OLD): one round trip. dynalite ignores ALL_OLD: the store
 * falls back to a consistent read. Both engines are counted by the same proxy (local/dynamoAnswers.ts),
 * which answers as DynamoDB does or, with `honourAllOld: false`, passes dynalite's answer through.
 */
describe.each([
  { engine: 'DynamoDB (ALL_OLD returned)', honourAllOld: true, duplicate: { UpdateItem: 1 } },
  { engine: 'dynalite (ALL_OLD ignored)', honourAllOld: false, duplicate: { UpdateItem: 1, GetItem: 1 } },
])('Round trips of a refused condition on $engine', ({ honourAllOld, duplicate }) => {
  let proxy: DynamoAnswersProxy;
  let stack: TestStack;

  beforeAll(async () => {
    proxy = await startDynamoAnswersProxy(inject('dynamoEndpoint'), { honourAllOld });
    stack = await startTestStack({ env: { DYNAMODB_ENDPOINT: proxy.endpoint } });
  });
  afterAll(async () => {
    await stack?.close();
    await proxy?.close();
  });

  it(`a duplicate notice costs ${Object.keys(duplicate).join(' + ')} and decides on the stored order`, async () => {
    const merchantUid = uniqueMerchantUid('dup');
    await stack.orders.create({ merchant_uid: merchantUid, amount: 14_000, currency: 'KRW' }, new Date());
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 14_000 });
    const first = await verifyPayment(stack.deps, { impUid: payment.imp_uid, source: 'complete' });
    proxy.reset();

    const again = await verifyPayment(stack.deps, { impUid: payment.imp_uid, source: 'webhook' });

    expect(first).toMatchObject({ kind: 'decided', changed: true, order: { status: 'paid' } });
    expect(again).toMatchObject({ kind: 'decided', changed: false, order: { status: 'paid', version: 2 } });
    expect(proxy.counts).toEqual(duplicate);
    expect(proxy.itemsReturned).toBe(honourAllOld ? 1 : 0);
  });

  it('a tampered amount is decided on the returned order, without a read first where DynamoDB answers', async () => {
    const merchantUid = uniqueMerchantUid('tamper');
    await stack.orders.create({ merchant_uid: merchantUid, amount: 14_000, currency: 'KRW' }, new Date());
    const payment = await payInSandbox(stack.sandbox, { merchant_uid: merchantUid, amount: 1_000 });
    proxy.reset();

    const outcome = await verifyPayment(stack.deps, { impUid: payment.imp_uid, source: 'complete' });

    expect(outcome).toMatchObject({ kind: 'decided', changed: true, order: { status: 'forgery' } });
    expect(proxy.counts.GetItem ?? 0).toBe(honourAllOld ? 0 : 1);
  });

  it('a repeated registration answers with the stored order: PutItem, plus GetItem only on dynalite', async () => {
    const merchantUid = uniqueMerchantUid('reg');
    const input = { merchant_uid: merchantUid, amount: 14_000, currency: 'KRW' };
    const created = await stack.orders.create(input, new Date());
    proxy.reset();

    const repeat = await stack.orders.create({ ...input, amount: 1 }, new Date());

    expect(repeat).toEqual({ created: false, order: created.order });
    expect(proxy.counts).toEqual(honourAllOld ? { PutItem: 1 } : { PutItem: 1, GetItem: 1 });
  });

  it('an unknown order: refused without an item on either engine, so the store reads (and finds none)', async () => {
    const merchantUid = uniqueMerchantUid('unknown');
    proxy.reset();

    const result = await stack.orders.transitionFromPending(
      merchantUid,
      { amount: 1, currency: 'KRW' },
      { to: 'paid', source: 'complete', patch: { imp_uid: 'imp_1' } },
      new Date(),
    );

    expect(result).toEqual({ applied: false, stored: undefined });
    expect(proxy.counts).toEqual({ UpdateItem: 1, GetItem: 1 });
  });
});

// The whole store contract against DynamoDB's answer shape: returned items parse as read ones do.
const ordersTable = `contract-allold-${process.pid}-${Date.now()}-orders`;
let contractProxy: DynamoAnswersProxy | undefined;
beforeAll(async () => {
  await cloneOrdersTable(inject('dynamoEndpoint'), inject('ordersTable'), ordersTable);
  contractProxy = await startDynamoAnswersProxy(inject('dynamoEndpoint'));
});
afterAll(() => contractProxy?.close());

describeOrderStoreContract(
  'DynamoOrderStore on DynamoDB’s refusal answers (ALL_OLD)',
  () => {
    if (!contractProxy) throw new Error('the proxy is not up');
    return dynamoContractStores({ ordersTable, dynamoEndpoint: contractProxy.endpoint });
  },
  () => uniqueMerchantUid('contract'),
);

describe('The contract run above used DynamoDB’s answers', () => {
  it('answered refusals with the item', () => {
    expect(contractProxy?.itemsReturned ?? 0).toBeGreaterThan(0);
  });
});
