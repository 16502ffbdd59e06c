import { z } from 'zod';
import { currencyCode, httpUrl, numberParam } from '../validate';

/**
 * The `param` object a merchant page gives `IMP.request_pay`, as the sandbox's iamport.js forwards it
 * to the payment window. Loose: the SDK takes many more fields (pg-specific options, `display`, …) and
 * the window ignores them, as a PG window ignores what it does not support.
 */
const buyerField = z.string().max(200).optional();

export const payRequestSchema = z
  .looseObject({
    /** `uplus`, `html5_inicis.INIpayTest`, …: the provider is the part before the dot. */
    pg: z.string().max(100).optional(),
    pay_method: z.string().min(1).max(40).default('card'),
    merchant_uid: z.string().min(1).max(80),
    name: z.string().max(200).optional(),
    amount: numberParam(z.number().positive()),
    currency: currencyCode.default('KRW'),
    buyer_email: buyerField,
    buyer_name: buyerField,
    buyer_tel: buyerField,
    buyer_addr: buyerField,
    buyer_postcode: buyerField,
    custom_data: z.unknown().optional(),
    m_redirect_url: httpUrl.optional(),
    /** The SDK also takes an array; Iamport then notifies each URL. The sandbox uses the first. */
    notice_url: z.union([httpUrl, z.array(httpUrl).min(1)]).optional(),
  })
  .refine((v) => v.currency !== 'KRW' || Number.isInteger(v.amount), {
    path: ['amount'],
    message: 'KRW has no minor unit; use a whole number',
  });
export type PayRequest = z.output<typeof payRequestSchema>;

/**
 * `iframe`: PC, the window is a layer over the shop and the result goes to the callback.
 * `redirect`: mobile, the window replaces the shop's page and ends at `m_redirect_url`.
 */
export const windowModes = ['iframe', 'redirect'] as const;
export type WindowMode = (typeof windowModes)[number];

export const windowOutcomes = ['paid', 'failed', 'closed', 'vbank', 'tampered', 'network_lost'] as const;
export type WindowOutcome = (typeof windowOutcomes)[number];

export const providerOf = (request: PayRequest): string | undefined =>
  request.pg === undefined || request.pg === '' ? undefined : request.pg.split('.')[0];

export const noticeUrlOf = (request: PayRequest): string | undefined =>
  Array.isArray(request.notice_url) ? request.notice_url[0] : request.notice_url;

/** A page's custom data as the APIs keep it: a JSON string; an object from the page is stringified. */
export function customDataText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Iamport keeps `custom_data` as a JSON string (null when the page gave none). */
export const customDataOf = (request: PayRequest): string | null =>
  customDataText(request.custom_data) ?? null;
