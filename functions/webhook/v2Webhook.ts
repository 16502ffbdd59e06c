import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as v from 'valibot';
import { verifyWebhookSignature, WebhookVerificationError } from '../../shared/events/standardWebhooks';
import { HttpError } from '../../shared/http/errors';
import { readBody } from '../../shared/http/readBody';
import { type HttpResult, json } from '../../shared/http/responses';
import { validate } from '../../shared/http/validate';
import { merchantUidSchema } from '../../shared/identifiers';
import { httpStack } from '../../shared/middleware/httpStack';
import { type VerifyOrQueueDeps, verifyOrQueue } from '../../shared/payments/verifyOrQueue';
import { maxChars } from '../../shared/validation';
import { webhookStatusOf } from './webhook';

export interface V2WebhookOptions {
  /** The `whsec_` secrets in use (at most two while rotating): a notice signed with neither is refused. */
  secrets: readonly string[];
  /** This shop's V2 store: notices for another store are not ours. */
  storeId?: string;
  /** Wall clock in ms, for the signature's 5-minute tolerance. @default Date.now */
  now?: () => number;
}

/** Version 2024-04-25: `{type, timestamp, data: {storeId, paymentId, transactionId, cancellationId?}}`. */
const currentSchema = v.object({
  type: v.pipe(v.string(), v.minLength(1), maxChars(100)),
  data: v.optional(v.object({ storeId: v.optional(v.string()), paymentId: v.optional(merchantUidSchema) })),
});
/** Version 2024-01-01: `{payment_id, tx_id, status}`, JSON or form. */
const legacySchema = v.object({ payment_id: merchantUidSchema });

/** What a verified notice asks of us: which payment to look at again, or nothing. */
type Notice = { paymentId: string } | { ignored: string };

function noticeOf(body: Record<string, unknown>, storeId: string | undefined): Notice {
  if (typeof body.type === 'string') {
    const notice = validate(currentSchema, body);
    // Unknown and non-payment types (BillingKey.*, disputes, ones PortOne adds later) are acknowledged.
    if (!notice.type.startsWith('Transaction.')) return { ignored: `type ${notice.type}` };
    if (storeId && notice.data?.storeId && notice.data.storeId !== storeId)
      return { ignored: 'another store' };
    if (!notice.data?.paymentId) return { ignored: 'no paymentId' };
    return { paymentId: notice.data.paymentId };
  }
  return { paymentId: validate(legacySchema, body).payment_id };
}

/**
 * `POST /v2/payments/webhook`: PortOne V2's signed notice. The Standard Webhooks signature is checked on
 * the raw body before anything else; then the body only says which payment to look at again: the truth
 * comes from `GET /payments/{paymentId}`, never from the notice.
 */
function makeV2WebhookHandler(deps: VerifyOrQueueDeps, logger: Logger, options: V2WebhookOptions) {
  return async function v2Webhook(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    if (options.secrets.length === 0)
      throw new HttpError(404, 'NOT_FOUND', 'this stage serves PortOne V1 alone');
    const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : (event.body ?? '');
    try {
      verifyWebhookSignature({
        secrets: options.secrets,
        headers: event.headers,
        body: raw,
        ...(options.now ? { now: options.now } : {}),
      });
    } catch (error) {
      if (error instanceof WebhookVerificationError) {
        logger.warn('V2 webhook refused', { reason: error.reason });
        throw new HttpError(401, 'INVALID_SIGNATURE', 'the notice is not signed by PortOne');
      }
      throw error;
    }
    const notice = noticeOf(readBody(event), options.storeId);
    if ('ignored' in notice) {
      logger.info('V2 webhook ignored', { why: notice.ignored });
      return json(200, { ok: true, status: 'ignored' });
    }
    logger.appendKeys({ merchant_uid: notice.paymentId, api: 'v2' });
    // A signed notice comes from PortOne: what it names is worth queueing in full if PortOne is down.
    const outcome = await verifyOrQueue(
      deps,
      { api: 'v2', merchantUid: notice.paymentId, source: 'webhook' },
      { vouched: true },
    );
    logger.info('verification', { outcome: outcome.kind });
    return json(200, { ok: true, status: webhookStatusOf(outcome) });
  };
}

export function createV2WebhookHandler(deps: VerifyOrQueueDeps, logger: Logger, options: V2WebhookOptions) {
  return httpStack(makeV2WebhookHandler(deps, logger, options), logger);
}
