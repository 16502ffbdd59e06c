import { z } from 'zod';
import { cancelPayment, findCancelTarget } from '../cancel';
import { fail, messages, ok } from '../envelope';
import { notify } from '../operations';
import type { Route } from '../router';
import type { SandboxState } from '../state';
import { booleanParam, numberParam, parseInput, textParam } from '../validate';

const optionalText = textParam(z.string().nullish());

const cancelSchema = z.looseObject({
  imp_uid: textParam(z.string().optional()),
  merchant_uid: textParam(z.string().optional()),
  amount: numberParam(z.number().nullish()),
  tax_free: numberParam(z.number().nonnegative().nullish()),
  vat_amount: numberParam(z.number().nonnegative().nullish()),
  checksum: numberParam(z.number().nullish()),
  reason: optionalText,
  refund_holder: optionalText,
  refund_bank: optionalText,
  refund_account: optionalText,
  refund_tel: optionalText,
  retain_promotion: booleanParam(z.boolean().optional()),
  enable_webhook: booleanParam(z.boolean().default(false)),
  extra: z.looseObject({ requester: textParam(z.enum(['customer', 'admin']).optional()) }).optional(),
});

/**
 * `POST /payments/cancel`. Business refusals answer HTTP 200 with `code: 1`, as Iamport documents;
 * malformed parameters answer 400. An API cancel notifies only with `enable_webhook: true`.
 */
export function cancelRoutes(state: SandboxState): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/payments/cancel',
      handler: ({ body }) => {
        const input = parseInput(cancelSchema, body);
        if (input.imp_uid === undefined && input.merchant_uid === undefined) {
          return fail(400, -1, messages.cancelTargetMissing);
        }
        const record = findCancelTarget(state.payments, input.imp_uid, input.merchant_uid);
        if (!record) return fail(200, 1, messages.cancelNotFound);
        const outcome = cancelPayment(
          state.payments,
          record,
          {
            amount: input.amount,
            checksum: input.checksum,
            reason: input.reason,
            hasRefundAccount: Boolean(input.refund_holder && input.refund_bank && input.refund_account),
            requireRefundAccount: true,
          },
          state.clock.nowSeconds(),
        );
        if (!outcome.ok) return fail(200, 1, outcome.message);
        if (input.enable_webhook) {
          notify(state, record, 'cancelled', { cancellationId: outcome.entry.cancellation_id });
        }
        return ok(record.payment);
      },
    },
  ];
}
