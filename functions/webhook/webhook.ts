import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as v from 'valibot';
import { HttpError } from '../../shared/http/errors';
import { readBody } from '../../shared/http/readBody';
import { type HttpResult, json } from '../../shared/http/responses';
import { validate } from '../../shared/http/validate';
import { impUidSchema, merchantUidSchema } from '../../shared/identifiers';
import { httpStack } from '../../shared/middleware/httpStack';
import {
  type EntryOutcome,
  type VerifyOrQueueDeps,
  verifyOrQueue,
} from '../../shared/payments/verifyOrQueue';
import { maxChars } from '../../shared/validation';

/** The body's `status` is read only to be logged: the decision comes from Iamport, never the notice. */
const inputSchema = v.pipe(
  v.object({
    imp_uid: v.optional(impUidSchema),
    merchant_uid: v.optional(merchantUidSchema),
    status: v.optional(v.pipe(v.string(), maxChars(40))),
    cancellation_id: v.optional(v.pipe(v.string(), maxChars(100))),
  }),
  v.forward(
    v.check((body) => body.imp_uid !== undefined || body.merchant_uid !== undefined),
    ['imp_uid'],
  ),
);

export interface WebhookOptions {
  /** Source IPs allowed to call; empty = any (the body is re-verified anyway). */
  allowedIps: readonly string[];
}

/** `POST /payments/webhook`: Iamport's unsigned notification (docs/design.md §5). */
function makeWebhookHandler(deps: VerifyOrQueueDeps, logger: Logger, options: WebhookOptions) {
  return async function webhook(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    const sourceIp = event.requestContext.http.sourceIp;
    if (options.allowedIps.length > 0 && !options.allowedIps.includes(sourceIp)) {
      throw new HttpError(403, 'FORBIDDEN_SOURCE', 'source address not allowed');
    }
    const body = validate(inputSchema, readBody(event));
    logger.appendKeys({ imp_uid: body.imp_uid, merchant_uid: body.merchant_uid });
    // With an imp_uid the body's merchant_uid is not passed on: a notice naming the wrong order must
    // still settle the right one, which Iamport's answer names.
    const outcome = await verifyOrQueue(
      deps,
      body.imp_uid
        ? { impUid: body.imp_uid, source: 'webhook' }
        : { merchantUid: body.merchant_uid, source: 'webhook' },
      // The body's merchant_uid may still say whether queued work can matter, if Iamport is down.
      { orderHint: body.merchant_uid, vouched: options.allowedIps.length > 0 },
    );
    logger.info('verification', { outcome: outcome.kind, notice_status: body.status });
    return json(200, { ok: true, status: webhookStatusOf(outcome) });
  };
}

/** A webhook's answer `status` for an outcome (V1 and V2 alike): 200 for what is not ours, 503 only if nothing was decided or queued. */
export function webhookStatusOf(outcome: EntryOutcome): string {
  switch (outcome.kind) {
    case 'decided':
    case 'sandbox_refused':
      return outcome.order.status;
    case 'queued':
      return 'pending';
    case 'unknown_order':
    case 'order_not_held':
    case 'payment_not_found':
    case 'merchant_uid_mismatch':
      // Answer 200 for what is not ours, or Iamport's retries (where enabled) keep coming.
      return 'unknown';
    case 'queue_failed':
      // Neither decided nor queued: a 5xx lets Iamport's own retry take over.
      throw new HttpError(503, 'UNAVAILABLE', outcome.reason);
  }
}

export function createWebhookHandler(deps: VerifyOrQueueDeps, logger: Logger, options: WebhookOptions) {
  return httpStack(makeWebhookHandler(deps, logger, options), logger);
}
