import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { bare, type Reply } from '../envelope';
import type { Route, RouteHandler } from '../router';
import type { SandboxState } from '../state';
import { booleanParam, httpUrl } from '../validate';
import { v2WebhookVersions } from './config';
import { toV2Reply, V2Error, v2Fail, v2Messages } from './errors';
import { cancelV2, checkoutV2, depositV2, noticeTypeOf, notifyV2 } from './operations';
import type { V2PaymentRecord } from './store';
import { parseV2, v2Amount, v2Currency } from './validate';
import { viewV2Payment } from './view';

const notifyFlag = booleanParam(z.boolean().default(true));
const optionalText = z.string().min(1).optional();

// Strict: a misspelt field (`paymentID`) must fail loudly rather than be ignored.
const createSchema = z
  .strictObject({
    paymentId: z.string().min(1).max(200),
    amount: v2Amount.positive(),
    taxFree: v2Amount.default(0),
    currency: v2Currency.default('KRW'),
    status: z.enum(['READY', 'PAY_PENDING', 'PAID', 'VIRTUAL_ACCOUNT_ISSUED', 'FAILED']).default('PAID'),
    method: z.enum(['CARD', 'VIRTUAL_ACCOUNT']).optional(),
    channel: z.enum(['LIVE', 'TEST']).default('LIVE'),
    orderName: z.string().min(1).max(200).default('샌드박스 테스트 상품'),
    customData: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
    customer: z
      .strictObject({ name: optionalText, email: optionalText, phoneNumber: optionalText })
      .default({ name: '홍길동', email: 'buyer@example.com', phoneNumber: '01012345678' }),
    failReason: optionalText,
    /** Deposit deadline of a virtual account, RFC 3339. */
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    notify: notifyFlag,
  })
  .refine((v) => v.taxFree <= v.amount, { path: ['taxFree'], message: 'cannot exceed amount' })
  .refine((v) => v.status !== 'VIRTUAL_ACCOUNT_ISSUED' || v.method !== 'CARD', {
    path: ['method'],
    message: 'VIRTUAL_ACCOUNT_ISSUED needs method VIRTUAL_ACCOUNT',
  });

const depositSchema = z.strictObject({ notify: notifyFlag });
const cancelSchema = z.strictObject({
  amount: v2Amount.positive().optional(),
  reason: z.string().min(1).default('관리자 콘솔에서 취소'),
  notify: notifyFlag,
});
const webhookSchema = z.strictObject({
  type: z.string().min(1).max(80).optional(),
  version: z.enum(v2WebhookVersions).optional(),
  format: z.enum(['json', 'form']).optional(),
  signed: booleanParam(z.boolean().default(true)),
  /** Sign with this secret instead of the configured one: a forged signature. */
  secret: z.string().startsWith('whsec_').optional(),
  url: httpUrl.optional(),
});
const configSchema = z.strictObject({
  webhookUrl: httpUrl.nullable().optional(),
  webhookSecret: z.string().startsWith('whsec_').optional(),
  webhookVersion: z.enum(v2WebhookVersions).optional(),
  webhookFormat: z.enum(['json', 'form']).optional(),
});
const waitSchema = z.looseObject({ wait: booleanParam(z.boolean().default(false)) });

/** V2 refusals in V2's own shape `{type, message}`, like the V2 API's. */
const guarded =
  (handler: RouteHandler): RouteHandler =>
  async (request) => {
    try {
      return await handler(request);
    } catch (error) {
      if (error instanceof V2Error) return toV2Reply(error);
      throw error;
    }
  };

/** `/__sandbox/v2/...`: act on V2 payments as a buyer, the PG or PortOne's console would, and steer V2 webhooks. */
export function controlV2Routes(state: SandboxState): Route[] {
  const find = (paymentId: string | undefined): V2PaymentRecord => {
    const record = state.v2.payments.get(paymentId ?? '');
    if (record === undefined) throw new V2Error(404, 'PAYMENT_NOT_FOUND', v2Messages.paymentNotFound);
    return record;
  };
  const view = (record: V2PaymentRecord, status = 200): Reply =>
    bare(viewV2Payment(record, state.v2.config), status);
  const configView = () => ({ ...state.v2.config });

  const routes: Route[] = [
    {
      method: 'POST',
      pattern: '/__sandbox/v2/payments',
      handler: ({ body }) => {
        const input = parseV2(createSchema, body);
        const { customData, expiresAt, ...rest } = input;
        const record = checkoutV2(state, {
          ...rest,
          method: input.method ?? (input.status === 'VIRTUAL_ACCOUNT_ISSUED' ? 'VIRTUAL_ACCOUNT' : 'CARD'),
          customData: typeof customData === 'object' ? JSON.stringify(customData) : customData,
          failReason: input.failReason,
          expiresAt: expiresAt === undefined ? undefined : Date.parse(expiresAt),
        });
        return view(record, 201);
      },
    },
    {
      method: 'GET',
      pattern: '/__sandbox/v2/payments/:paymentId',
      handler: ({ params }) => view(find(params.paymentId)),
    },
    {
      method: 'POST',
      pattern: '/__sandbox/v2/payments/:paymentId/deposit',
      handler: ({ params, body }) => {
        const input = parseV2(depositSchema, body);
        return view(depositV2(state, find(params.paymentId), input.notify));
      },
    },
    {
      method: 'POST',
      pattern: '/__sandbox/v2/payments/:paymentId/cancel',
      handler: ({ params, body }) => {
        const input = parseV2(cancelSchema, body);
        const record = find(params.paymentId);
        // The console's cancel: no consistency check, PortOne's console always notifies.
        cancelV2(state, record, {
          amount: input.amount,
          reason: input.reason,
          trigger: 'CONSOLE',
          notify: input.notify,
        });
        return view(record);
      },
    },
    {
      method: 'POST',
      pattern: '/__sandbox/v2/webhooks/:paymentId',
      handler: ({ params, body }) => {
        const input = parseV2(webhookSchema, body);
        const paymentId = params.paymentId ?? '';
        // An unknown paymentId is allowed on purpose: a forged notice about a payment that never existed.
        const record = state.v2.payments.get(paymentId);
        const target = record ?? {
          id: paymentId,
          transactionId: randomUUID(),
          storeId: state.v2.config.storeId,
        };
        const type = input.type ?? (record ? noticeTypeOf[record.status] : 'Transaction.Paid');
        const delivery = notifyV2(state, target, type, {
          cancellationId: type.endsWith('Cancelled') ? record?.cancellations.at(-1)?.id : undefined,
          version: input.version,
          format: input.format,
          signed: input.signed,
          secret: input.secret,
          url: input.url,
        });
        if (delivery === null) {
          return v2Fail(
            409,
            'NO_WEBHOOK_URL',
            'V2 웹훅 URL이 없습니다. PUT /__sandbox/v2/config 로 webhookUrl을 정하거나 url을 주세요.',
          );
        }
        return bare(delivery, 202);
      },
    },
    {
      method: 'GET',
      pattern: '/__sandbox/v2/webhooks',
      handler: async ({ query }) => {
        if (parseV2(waitSchema, query).wait) await state.webhooks.idle();
        return bare(state.v2.webhooks.deliveries());
      },
    },
    {
      method: 'DELETE',
      pattern: '/__sandbox/v2/webhooks',
      handler: () => {
        state.v2.webhooks.clearLog();
        return bare(state.v2.webhooks.deliveries());
      },
    },
    { method: 'GET', pattern: '/__sandbox/v2/config', handler: () => bare(configView()) },
    {
      method: 'PUT',
      pattern: '/__sandbox/v2/config',
      handler: ({ body }) => {
        const input = parseV2(configSchema, body);
        const config = state.v2.config;
        if (input.webhookUrl !== undefined) config.webhookUrl = input.webhookUrl;
        if (input.webhookSecret !== undefined) config.webhookSecret = input.webhookSecret;
        if (input.webhookVersion !== undefined) config.webhookVersion = input.webhookVersion;
        if (input.webhookFormat !== undefined) config.webhookFormat = input.webhookFormat;
        return bare(configView());
      },
    },
  ];
  return routes.map((route) => ({ ...route, handler: guarded(route.handler) }));
}
