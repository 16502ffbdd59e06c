import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as v from 'valibot';
import { readQuery } from '../../shared/http/readQuery';
import type { HttpResult } from '../../shared/http/responses';
import { impUidSchema, merchantUidSchema } from '../../shared/identifiers';
import { httpStack } from '../../shared/middleware/httpStack';
import type { OrderApi } from '../../shared/orders/types';
import type { VerifyRequest } from '../../shared/payments/types';
import {
  type EntryOutcome,
  type VerifyOrQueueDeps,
  verifyOrQueue,
} from '../../shared/payments/verifyOrQueue';

/**
 * `imp_success`, `success`, `error_code` and `error_msg` are ignored on purpose: they are UI hints
 * that can read "false" for a payment that succeeded (docs/iamport-v1.md §7). Only the identifiers
 * count.
 */
const querySchema = v.object({
  imp_uid: v.optional(impUidSchema),
  merchant_uid: v.optional(merchantUidSchema),
});
/** V2's redirect appends `paymentId` (and `code`, `message`, `pgCode`, `pgMessage` on failure: hints only). */
const v2QuerySchema = v.object({ paymentId: merchantUidSchema });

/** The identifiers a redirect names, or undefined when it names none we can use. */
function requestOf(api: OrderApi, query: Record<string, string> | undefined): VerifyRequest | undefined {
  if (api === 'v2') {
    const parsed = v.safeParse(v2QuerySchema, query);
    return parsed.success ? { api: 'v2', merchantUid: parsed.output.paymentId, source: 'mobile' } : undefined;
  }
  const parsed = v.safeParse(querySchema, query);
  if (!parsed.success || (!parsed.output.imp_uid && !parsed.output.merchant_uid)) return undefined;
  return { impUid: parsed.output.imp_uid, merchantUid: parsed.output.merchant_uid, source: 'mobile' };
}

/** Where the browser lands: the order status, or one of these when there is no order status to tell. */
type ResultStatus = string;

/**
 * `GET /payments/complete/mobile`: the payment window's redirect. A browser always gets a 302 to the
 * configured result page, never a 5xx and never a target taken from the request.
 */
function makeMobileHandler(deps: VerifyOrQueueDeps, logger: Logger, resultPageUrl: URL, api: OrderApi) {
  function redirect(status: ResultStatus, merchantUid?: string, impUid?: string): HttpResult {
    const target = new URL(resultPageUrl);
    if (merchantUid) target.searchParams.set('merchant_uid', merchantUid);
    if (impUid) target.searchParams.set('imp_uid', impUid);
    target.searchParams.set('status', status);
    return {
      statusCode: 302,
      headers: { location: target.toString(), 'cache-control': 'no-store' },
      body: '',
    };
  }

  return async function mobile(event: APIGatewayProxyEventV2): Promise<HttpResult> {
    const request = requestOf(api, readQuery(event.rawQueryString));
    if (!request) {
      logger.warn('mobile redirect with invalid identifiers');
      return redirect('invalid');
    }
    const { impUid, merchantUid } = request;
    logger.appendKeys({ imp_uid: impUid, merchant_uid: merchantUid, api: request.api });
    try {
      const outcome = await verifyOrQueue(deps, request);
      logger.info('verification', { outcome: outcome.kind });
      const { status, merchant } = resultOf(outcome);
      return redirect(status, merchant ?? merchantUid, impUid);
    } catch (error) {
      logger.error('mobile verification failed', { error });
      return redirect('error', merchantUid, impUid);
    }
  };
}

function resultOf(outcome: EntryOutcome): { status: ResultStatus; merchant?: string } {
  switch (outcome.kind) {
    case 'decided':
      return { status: outcome.order.status, merchant: outcome.order.merchant_uid };
    case 'sandbox_refused':
      return { status: 'refused', merchant: outcome.order.merchant_uid };
    case 'queued':
      return { status: 'pending' };
    case 'merchant_uid_mismatch':
      return { status: 'invalid' };
    case 'unknown_order':
    case 'order_not_held':
    case 'payment_not_found':
      return { status: 'not_found' };
    case 'queue_failed':
      // The order's own lost-result check settles it: "pending" is still a promise kept.
      return { status: outcome.ownCheck ? 'pending' : 'error' };
  }
}

/** `GET /payments/complete/mobile` (V1), or with `api: 'v2'` `GET /v2/payments/redirect`. */
export function createMobileHandler(
  deps: VerifyOrQueueDeps,
  logger: Logger,
  resultPageUrl: URL,
  api: OrderApi = 'v1',
) {
  return httpStack(makeMobileHandler(deps, logger, resultPageUrl, api), logger);
}
