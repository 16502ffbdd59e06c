/**
 * REFERENCE ONLY, for the benchmark's comparison: the verification pattern of Iamport's official guide
 * ("결제 정보 검증"), written plainly and correctly but naively, as sample code does it. Never deploy this:
 * it asks for a new token on every request, reads the order then writes it without a condition (two
 * concurrent notices both "win", a duplicate rewrites a paid order), and opens a new connection per
 * Iamport call (sample code's `axios(...)`/`fetch(...)` without a kept-alive agent).
 *
 * The guide's pseudo-code, step by step:
 *   1. `POST /users/getToken` with the REST API key and secret → access_token
 *   2. `GET /payments/{imp_uid}` with that token → paymentData
 *   3. `Orders.findById(paymentData.merchant_uid)` → the amount to be paid
 *   4. amount === amountToBePaid → `Orders.findByIdAndUpdate(merchant_uid, { $set: paymentData })`,
 *      then answer by status (`ready` → vbank issued, `paid` → success); otherwise "forgery".
 * Here the order store is the same DynamoDB table: GetItem, compare, UpdateItem without condition.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { Agent, fetch } from 'undici';

export interface GuidePatternOptions {
  iamportBaseUrl: string;
  apiKey: string;
  apiSecret: string;
  doc: DynamoDBDocumentClient;
  tableName: string;
}

interface IamportEnvelope<T> {
  code: number;
  message: string | null;
  response: T | null;
}

interface PaymentData {
  imp_uid: string;
  merchant_uid: string;
  amount: number;
  status: string;
  pay_method?: string | null;
  paid_at?: number | null;
  vbank_num?: string | null;
  vbank_name?: string | null;
  vbank_date?: number | null;
}

/** One Iamport call on its own connection, closed afterwards: no agent is kept between calls. */
async function callIamport<T>(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) {
  const dispatcher = new Agent();
  try {
    const response = await fetch(url, { ...init, dispatcher });
    return { status: response.status, envelope: (await response.json()) as IamportEnvelope<T> };
  } finally {
    await dispatcher.close();
  }
}

function reply(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** jQuery posts form-urlencoded by default, newer code JSON; the guide's Express app reads both. */
function readParams(event: APIGatewayProxyEventV2): Record<string, string> {
  const body = event.body ?? '';
  const type = (event.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/json')) return JSON.parse(body) as Record<string, string>;
  return Object.fromEntries(new URLSearchParams(body));
}

export function createGuidePatternHandler(options: GuidePatternOptions) {
  const base = options.iamportBaseUrl.replace(/\/+$/, '');
  return async function guidePattern(
    event: APIGatewayProxyEventV2,
  ): Promise<APIGatewayProxyStructuredResultV2> {
    try {
      const { imp_uid } = readParams(event);
      if (!imp_uid) return reply(400, { status: 'error', message: 'imp_uid required' });

      // 1. A new access token for every request.
      const token = await callIamport<{ access_token: string }>(`${base}/users/getToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ imp_key: options.apiKey, imp_secret: options.apiSecret }),
      });
      const accessToken = token.envelope.response?.access_token;
      if (!accessToken) return reply(502, { status: 'error', message: 'getToken failed' });

      // 2. The payment as Iamport knows it.
      const found = await callIamport<PaymentData>(`${base}/payments/${encodeURIComponent(imp_uid)}`, {
        method: 'GET',
        headers: { authorization: accessToken },
      });
      const paymentData = found.envelope.response;
      if (!paymentData) return reply(404, { status: 'error', message: 'payment not found' });

      // 3. The order, by the merchant_uid Iamport reports.
      const { Item: order } = await options.doc.send(
        new GetCommand({ TableName: options.tableName, Key: { merchant_uid: paymentData.merchant_uid } }),
      );
      if (!order) return reply(404, { status: 'error', message: 'order not found' });

      // 4. Compare, then write without a condition.
      if (paymentData.amount !== order.amount)
        return reply(400, { status: 'forgery', message: '위조된 결제시도' });
      const vbankIssued = paymentData.status === 'ready';
      await options.doc.send(
        new UpdateCommand({
          TableName: options.tableName,
          Key: { merchant_uid: paymentData.merchant_uid },
          UpdateExpression:
            'SET #status = :status, imp_uid = :imp_uid, pay_method = :pay_method, paid_at = :paid_at',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': vbankIssued ? 'vbank_issued' : paymentData.status,
            ':imp_uid': paymentData.imp_uid,
            ':pay_method': paymentData.pay_method ?? null,
            ':paid_at': paymentData.paid_at ?? null,
          },
        }),
      );
      if (vbankIssued) return reply(200, { status: 'vbankIssued', message: '가상계좌 발급 성공' });
      if (paymentData.status === 'paid') return reply(200, { status: 'success', message: '일반 결제 성공' });
      return reply(200, { status: paymentData.status });
    } catch (error) {
      return reply(500, { status: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  };
}
