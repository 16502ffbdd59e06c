import type { V2Config } from './config';
import type { V2PaymentRecord } from './store';
import type { V2Amount, V2Channel, V2Method, V2Payment } from './types';

const iso = (ms: number): string => new Date(ms).toISOString();
export const v2ReceiptUrl = (path: string): string => `https://receipts.sandbox.invalid/v2/${path}`;

function amountOf(r: V2PaymentRecord): V2Amount {
  // VAT is a tenth of the taxed supply, VAT-inclusive: supply + vat = total - taxFree (KRW rounds down).
  const taxed = r.total - r.taxFree;
  const vat = Math.floor(taxed / 11);
  return {
    total: r.total,
    taxFree: r.taxFree,
    vat,
    supply: taxed - vat,
    discount: 0,
    paid: r.paid,
    cancelled: r.cancelled,
    cancelledTaxFree: r.cancelledTaxFree,
  };
}

function channelOf(r: V2PaymentRecord, config: V2Config): V2Channel {
  const live = r.channel === 'LIVE';
  return {
    type: r.channel,
    id: live ? 'channel-id-sandbox-live' : 'channel-id-sandbox-test',
    key: live ? 'channel-key-sandbox-live' : 'channel-key-sandbox-test',
    name: live ? '샌드박스 실연동 채널' : '샌드박스 테스트 채널',
    pgProvider: 'INICIS_V2',
    pgMerchantId: config.pgMerchantId,
  };
}

function methodOf(r: V2PaymentRecord): V2Method | undefined {
  if (r.method === 'VIRTUAL_ACCOUNT') {
    if (r.virtualAccount === null) return undefined;
    return {
      type: 'PaymentMethodVirtualAccount',
      bank: 'KOOKMIN',
      accountNumber: r.virtualAccount.accountNumber,
      accountType: 'NORMAL',
      remitteeName: '(주)포트원샌드박스',
      expiredAt: iso(r.virtualAccount.expiredAt),
      issuedAt: iso(r.virtualAccount.issuedAt),
    };
  }
  if (r.card === null) return undefined;
  return {
    type: 'PaymentMethodCard',
    card: {
      publisher: 'BC카드',
      issuer: 'BC카드',
      brand: 'LOCAL',
      type: 'CREDIT',
      ownerType: 'PERSONAL',
      bin: r.card.number.slice(0, 6),
      name: 'BC카드',
      number: r.card.number,
    },
    approvalNumber: r.card.approvalNumber,
    installment: { month: 0, isInterestFree: false },
    pointUsed: false,
  };
}

/** `GET /payments/{paymentId}`'s answer for `record`: the `Payment` member of its status. */
export function viewV2Payment(r: V2PaymentRecord, config: V2Config): V2Payment {
  const method = methodOf(r);
  const base = {
    id: r.id,
    transactionId: r.transactionId,
    merchantId: config.merchantId,
    storeId: r.storeId,
    ...(method ? { method } : {}),
    channel: channelOf(r, config),
    version: 'V2' as const,
    requestedAt: iso(r.requestedAt),
    updatedAt: iso(r.updatedAt),
    statusChangedAt: iso(r.statusChangedAt),
    orderName: r.orderName,
    amount: amountOf(r),
    currency: r.currency,
    customer: { ...r.customer },
    origin: { platformType: 'PC' as const, ipAddress: '127.0.0.1' },
    ...(r.customData === undefined ? {} : { customData: r.customData }),
    pgTxId: r.pgTxId,
  };
  const settled = () => ({
    paidAt: iso(r.paidAt ?? r.requestedAt),
    receiptUrl: v2ReceiptUrl(r.transactionId),
    cancellations: r.cancellations.map((c) => ({ ...c })),
  });
  switch (r.status) {
    case 'PAID':
      return { ...base, ...settled(), status: 'PAID', disputes: [] };
    case 'PARTIAL_CANCELLED':
    case 'CANCELLED':
      return { ...base, ...settled(), status: r.status, cancelledAt: iso(r.cancelledAt ?? r.updatedAt) };
    case 'FAILED':
      return {
        ...base,
        status: 'FAILED',
        failedAt: iso(r.failedAt ?? r.updatedAt),
        failure: r.failure ?? { reason: '결제에 실패했습니다.', pgCode: 'FAILED', pgMessage: '결제 실패' },
      };
    default:
      return { ...base, status: r.status };
  }
}
