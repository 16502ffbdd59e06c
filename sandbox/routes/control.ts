import { z } from 'zod';
import { bare, fail, messages, type Reply } from '../envelope';
import { cancelFromConsole, completeCheckout, depositVbank, notify } from '../operations';
import type { Route } from '../router';
import type { SandboxState } from '../state';
import type { PaymentRecord } from '../store';
import { booleanParam, currencyCode, httpUrl, numberParam, parseInput, textParam } from '../validate';

const format = textParam(z.enum(['json', 'form']).optional());
const notifyFlag = booleanParam(z.boolean().default(true));
const buyerField = z.string().nullable().optional();

// Strict: a typo such as `webhookFormat` must fail loudly rather than be silently ignored.
const createSchema = z
  .strictObject({
    merchant_uid: textParam(z.string().min(1).max(80)),
    amount: numberParam(z.number().positive()),
    status: textParam(z.enum(['paid', 'ready', 'failed']).default('paid')),
    pay_method: textParam(z.string().min(1).default('card')),
    currency: textParam(currencyCode.default('KRW')),
    sandbox: booleanParam(z.boolean().default(false)),
    notify: notifyFlag,
    webhook_format: format,
    notice_url: textParam(httpUrl.optional()),
    name: textParam(z.string().max(200).optional()),
    channel: textParam(z.enum(['pc', 'mobile', 'api']).default('pc')),
    pg_provider: textParam(z.string().min(1).optional()),
    buyer_name: buyerField,
    buyer_email: buyerField,
    buyer_tel: buyerField,
    buyer_addr: buyerField,
    buyer_postcode: buyerField,
    custom_data: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).nullish(),
    fail_reason: textParam(z.string().optional()),
    vbank_date: numberParam(z.int().positive().optional()),
  })
  .refine((v) => v.currency !== 'KRW' || Number.isInteger(v.amount), {
    path: ['amount'],
    message: 'KRW has no minor unit; use a whole number',
  });

const depositSchema = z.strictObject({ notify: notifyFlag });
const cancelSchema = z.strictObject({
  amount: numberParam(z.number().nonnegative().optional()),
  reason: textParam(z.string().optional()),
  notify: notifyFlag,
});
const resendSchema = z.strictObject({ status: textParam(z.string().min(1).max(40).optional()), format });

/** Control routes that act on payments, as a buyer, the PG or the admin console would. */
export function controlPaymentRoutes(state: SandboxState): Route[] {
  const withPayment = (impUid: string | undefined, act: (record: PaymentRecord) => Reply): Reply => {
    const record = state.payments.get(impUid ?? '');
    return record ? act(record) : fail(404, -1, messages.paymentNotFound);
  };

  return [
    {
      method: 'POST',
      pattern: '/__sandbox/payments',
      handler: ({ body }) => {
        const input = parseInput(createSchema, body);
        const { custom_data, notice_url, webhook_format, ...rest } = input;
        const outcome = completeCheckout(state, {
          ...rest,
          custom_data:
            typeof custom_data === 'object' && custom_data !== null
              ? JSON.stringify(custom_data)
              : custom_data,
          noticeUrl: notice_url,
          webhookFormat: webhook_format,
        });
        return outcome.ok ? bare(outcome.value.payment, 201) : fail(409, 1, outcome.message);
      },
    },
    {
      method: 'POST',
      pattern: '/__sandbox/payments/:imp_uid/deposit',
      handler: ({ params, body }) => {
        const input = parseInput(depositSchema, body);
        return withPayment(params.imp_uid, (record) => {
          const outcome = depositVbank(state, record, input.notify);
          return outcome.ok ? bare(outcome.value.payment) : fail(409, 1, outcome.message);
        });
      },
    },
    {
      method: 'POST',
      pattern: '/__sandbox/payments/:imp_uid/cancel',
      handler: ({ params, body }) => {
        const input = parseInput(cancelSchema, body);
        return withPayment(params.imp_uid, (record) => {
          const outcome = cancelFromConsole(state, record, input);
          return outcome.ok ? bare(outcome.value.payment) : fail(409, 1, outcome.message);
        });
      },
    },
    {
      method: 'POST',
      pattern: '/__sandbox/webhooks/:imp_uid',
      handler: ({ params, body }) => {
        const input = parseInput(resendSchema, body);
        return withPayment(params.imp_uid, (record) => {
          const status = input.status ?? record.payment.status;
          const lastCancel = record.payment.cancel_history.at(-1);
          const delivery = notify(state, record, status, {
            format: input.format,
            cancellationId: status === 'cancelled' ? lastCancel?.cancellation_id : undefined,
          });
          if (!delivery) {
            return fail(
              409,
              1,
              '웹훅 URL이 없습니다. PUT /__sandbox/config 로 webhook_url을 정하거나 notice_url을 주세요.',
            );
          }
          return bare(delivery, 202);
        });
      },
    },
  ];
}
