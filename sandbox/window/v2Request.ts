import { z } from 'zod';
import { v2Currencies } from '../v2/types';
import { httpUrl } from '../validate';

/**
 * The request a merchant page gives `PortOne.requestPayment` (browser SDK V2), as the sandbox's
 * browser-sdk.js forwards it to the payment window. Loose, like the V1 request: the SDK takes many more
 * fields (`windowType`, `bypass`, `products`, …) and the window ignores them, as a PG window would.
 * Field names and types follow `@portone/browser-sdk`'s `PaymentRequest`.
 */
const text = (max: number) => z.string().min(1).max(max);

/** The SDK's `PaymentCurrency` takes both `KRW` and `CURRENCY_KRW`; the API answers `KRW`. */
const browserCurrency = z
  .string()
  .transform((value) => (value.startsWith('CURRENCY_') ? value.slice('CURRENCY_'.length) : value))
  .pipe(z.enum(v2Currencies));

export const v2PayRequestSchema = z
  .looseObject({
    storeId: text(100),
    channelKey: text(200).optional(),
    channelGroupId: text(200).optional(),
    paymentId: text(200),
    orderName: text(200),
    totalAmount: z.int().positive().max(Number.MAX_SAFE_INTEGER),
    taxFreeAmount: z.int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    currency: browserCurrency,
    /** `CARD`, `VIRTUAL_ACCOUNT`, `TRANSFER`, `MOBILE`, `EASY_PAY`, …; the window shows it. */
    payMethod: z.string().regex(/^[A-Z_]{1,40}$/, 'a PaymentPayMethod such as CARD or VIRTUAL_ACCOUNT'),
    customer: z
      .looseObject({
        fullName: z.string().max(200).optional(),
        phoneNumber: z.string().max(40).optional(),
        email: z.string().max(200).optional(),
      })
      .optional(),
    customData: z.unknown().optional(),
    redirectUrl: httpUrl.optional(),
    forceRedirect: z.boolean().optional(),
    /** PortOne notifies each URL; the sandbox uses the first, as the V1 window does with `notice_url`. */
    noticeUrls: z.array(httpUrl).min(1).optional(),
  })
  .refine((v) => v.channelKey !== undefined || v.channelGroupId !== undefined, {
    path: ['channelKey'],
    message: 'channelKey or channelGroupId is required',
  })
  .refine((v) => v.taxFreeAmount === undefined || v.taxFreeAmount <= v.totalAmount, {
    path: ['taxFreeAmount'],
    message: 'cannot exceed totalAmount',
  });
export type V2PayRequest = z.output<typeof v2PayRequestSchema>;
