/**
 * PortOne V2 webhook deliveries for the fuzz properties: notices of both versions (2024-04-25 JSON,
 * 2024-01-01 JSON or form) with fuzzed contents, signed with Standard Webhooks as PortOne signs them
 * (`signWebhook`, over the exact text sent), so the code past the signature check is reached; and
 * forgeries of such deliveries, each broken in one way a receiver must catch.
 */
import fc from 'fast-check';
import { demoV2StoreId } from '../../sandbox';
import { signWebhook, type WebhookHeaders } from '../../shared/events/standardWebhooks';
import { FIXED_UNIX } from '../helpers/fixtures';
import {
  anyText,
  type BodyKind,
  bodyText,
  type FuzzRequest,
  fieldValue,
  formEncode,
  fuzzRequest,
  headersFor,
  likelyPaymentId,
  method,
  nasty,
  padding,
  setOwn,
  sourceIp,
} from './arbitraries';
import { V2_WEBHOOK_SECRETS } from './world';

/**
 * What a notice is, for the properties: `payment` names a payment of this store, `foreign_store` one of
 * another store, `not_payment` is a type that names no payment (billing keys, ones PortOne adds later),
 * `legacy` is version 2024-01-01, `anything` any body at all.
 */
export type NoticeKind = 'payment' | 'foreign_store' | 'not_payment' | 'legacy' | 'anything';

export interface Notice {
  kind: NoticeKind;
  bodyKind: BodyKind;
  /** The body as sent, before any base64. */
  text: string;
  /** What the notice gives as its paymentId (any JSON value), when it is built field by field. */
  paymentId?: unknown;
}

const paymentTypes = fc.constantFrom(
  'Transaction.Paid',
  'Transaction.Ready',
  'Transaction.VirtualAccountIssued',
  'Transaction.Failed',
  'Transaction.PayPending',
  'Transaction.CancelPending',
  'Transaction.Cancelled',
  'Transaction.PartialCancelled',
  'Transaction.DisputeCreated',
  'Transaction.',
  'Transaction.SomethingNew2027',
);

/** Types that name no payment of ours, all valid as types (1 to 100 characters). */
const otherTypes = fc.constantFrom(
  'BillingKey.Ready',
  'BillingKey.Issued',
  'BillingKey.Failed',
  'BillingKey.Deleted',
  'BillingKey.Updated',
  'transaction.paid',
  ' Transaction.Paid',
  'Paid',
  '__proto__',
  'x'.repeat(100),
);

/** Junk beside the known fields: unknown names, prototype names, anything. */
const extraFields = fc.dictionary(
  fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'version', 'id'), anyText),
  fieldValue,
  { maxKeys: 3 },
);

const transactionId = fc.oneof(fc.uuid(), fieldValue);
const timestampText = fc.oneof(
  fc.constant('2025-10-09T08:53:20.000Z'),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fieldValue,
);

/** A foreign store: a non-empty string that is not ours (an empty one reads as "not said"). */
const foreignStore = fc
  .oneof(
    fc.constant('store-11111111-1111-4111-8111-111111111111'),
    fc.string({ minLength: 1, maxLength: 40 }),
  )
  .filter((store) => store !== demoV2StoreId);

/** A 2024-04-25 notice, built field by field; `storeId` decides whose it is. */
function currentNotice(
  kind: 'payment' | 'foreign_store' | 'not_payment',
  type: fc.Arbitrary<string>,
  storeId: fc.Arbitrary<string | undefined>,
): fc.Arbitrary<Notice> {
  return fc
    .record({
      type,
      timestamp: timestampText,
      storeId,
      paymentId: fc.option(
        fc.oneof({ arbitrary: likelyPaymentId, weight: 6 }, { arbitrary: fieldValue, weight: 1 }),
        {
          freq: 12,
          nil: undefined,
        },
      ),
      transactionId,
      cancellationId: fc.option(transactionId, { nil: undefined }),
      extra: extraFields,
    })
    .map(({ type: t, timestamp, storeId: store, paymentId, transactionId: tx, cancellationId, extra }) => {
      const data = {
        ...(store === undefined ? {} : { storeId: store }),
        ...(paymentId === undefined ? {} : { paymentId }),
        transactionId: tx,
        ...(cancellationId === undefined ? {} : { cancellationId }),
      };
      const text = JSON.stringify({ ...extra, type: t, timestamp, data });
      return { kind, bodyKind: 'json' as const, text, paymentId };
    });
}

/** A 2024-01-01 notice, `{payment_id, tx_id, status}`, as JSON or as a form. */
const legacyNotice: fc.Arbitrary<Notice> = fc
  .record({
    paymentId: fc.oneof({ arbitrary: likelyPaymentId, weight: 6 }, { arbitrary: fieldValue, weight: 1 }),
    tx: transactionId,
    status: fc.oneof(fc.constantFrom('Paid', 'Ready', 'Failed', 'Cancelled', 'VirtualAccountIssued'), nasty),
    asForm: fc.boolean(),
  })
  .map(({ paymentId, tx, status, asForm }) => {
    if (!asForm) {
      const text = JSON.stringify({ payment_id: paymentId, tx_id: tx, status });
      return { kind: 'legacy' as const, bodyKind: 'json' as const, text, paymentId };
    }
    const value = (v: unknown) => formEncode(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''), false);
    const text = `payment_id=${value(paymentId)}&tx_id=${value(tx)}&status=${value(status)}`;
    // A form carries text: what the receiver reads is the encoded value, decoded.
    return {
      kind: 'legacy' as const,
      bodyKind: 'form' as const,
      text,
      paymentId: typeof paymentId === 'string' ? paymentId : JSON.stringify(paymentId),
    };
  });

/** Every kind of notice, notices that name a payment of ours first. */
export const notice: fc.Arbitrary<Notice> = fc.oneof(
  {
    arbitrary: currentNotice(
      'payment',
      paymentTypes,
      fc.option(fc.constant(demoV2StoreId), { freq: 6, nil: undefined }),
    ),
    weight: 8,
  },
  { arbitrary: currentNotice('foreign_store', paymentTypes, foreignStore), weight: 1 },
  {
    arbitrary: currentNotice(
      'not_payment',
      otherTypes,
      fc.option(fc.constant(demoV2StoreId), { nil: undefined }),
    ),
    weight: 1,
  },
  { arbitrary: legacyNotice, weight: 3 },
  {
    arbitrary: bodyText.map(({ kind, text }): Notice => ({ kind: 'anything', bodyKind: kind, text })),
    weight: 2,
  },
);

const WEBHOOK_HEADER_NAMES = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;
type WebhookHeaderName = (typeof WEBHOOK_HEADER_NAMES)[number];

/** `webhook-id` as PortOne sends it, or any other non-empty text (the receiver must sign it as it is). */
const webhookId = fc.oneof(
  { arbitrary: fc.stringMatching(/^msg_[0-9A-Za-z]{10,30}$/), weight: 4 },
  { arbitrary: fc.oneof(nasty, anyText).filter((id) => id !== ''), weight: 1 },
);

/**
 * Signature entries beside the genuine one (other schemes, a retired key's), none of them valid, each a
 * non-empty `scheme,value` as a sender writes them (an empty one would put ", " in the header, which
 * reads as two headers joined).
 */
const otherEntries = fc.array(
  fc.oneof(
    fc.base64String({ minLength: 44, maxLength: 44 }).map((sig) => `v1,${sig}`),
    fc.base64String({ minLength: 4, maxLength: 44 }).map((sig) => `v1a,${sig}`),
    fc.constantFrom('v2,abc=', 'v1a,x', 'v1'),
  ),
  { maxLength: 2 },
);

/** How a header name is spelled: API Gateway lowercases them, a local proxy may not. */
const spelling = fc.constantFrom<(name: string) => string>(
  (name) => name,
  (name) => name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase()),
);

/** Everything about one signed delivery but its body: who signed, when, and how it travels. */
interface Envelope {
  secret: string;
  id: string;
  timestamp: number;
  base64: boolean;
  padTo: number;
  extra: string[];
  position: number;
  spell: (name: string) => string;
  headers: { json: Record<string, string>; form: Record<string, string>; other: Record<string, string> };
  method: string;
  sourceIp: string;
}

const envelope: fc.Arbitrary<Envelope> = fc.record({
  secret: fc.constantFrom(...V2_WEBHOOK_SECRETS),
  id: webhookId,
  // Anywhere inside the 5-minute tolerance, both ends included.
  timestamp: fc.integer({ min: FIXED_UNIX - 300, max: FIXED_UNIX + 300 }),
  base64: fc.boolean(),
  padTo: padding,
  extra: otherEntries,
  position: fc.nat(),
  spell: spelling,
  headers: fc.record({ json: headersFor('json'), form: headersFor('form'), other: headersFor('other') }),
  method: fc.oneof({ arbitrary: fc.constant('POST'), weight: 6 }, { arbitrary: method, weight: 1 }),
  sourceIp,
});

/** The text exactly as the sender signs it: padded first, so the padding is signed too. */
function padded(text: string, padTo: number): string {
  const bytes = Buffer.byteLength(text, 'utf8');
  return padTo > bytes ? text + ' '.repeat(padTo - bytes) : text;
}

function signatureValue(genuine: string, extra: readonly string[], position: number): string {
  const entries = [...extra];
  entries.splice(position % (entries.length + 1), 0, genuine);
  return entries.join(' ');
}

/** The request: random headers (none of ours among them), then the three signature headers. */
function requestOf(
  env: Envelope,
  kind: BodyKind,
  text: string,
  signature: Partial<Record<WebhookHeaderName, string>>,
  options: { base64?: boolean } = {},
): FuzzRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(env.headers[kind])) {
    if (!name.toLowerCase().startsWith('webhook-')) setOwn(headers, name, value);
  }
  for (const name of WEBHOOK_HEADER_NAMES) {
    const value = signature[name];
    if (value !== undefined) setOwn(headers, env.spell(name), value);
  }
  const base64 = options.base64 ?? env.base64;
  return {
    method: env.method,
    body: base64
      ? { body: Buffer.from(text, 'utf8').toString('base64'), isBase64Encoded: true }
      : { body: text, isBase64Encoded: false },
    headers,
    query: undefined,
    sourceIp: env.sourceIp,
  };
}

function sign(
  env: Envelope,
  text: string,
  overrides: { secret?: string; timestamp?: number } = {},
): WebhookHeaders {
  return signWebhook({
    secret: overrides.secret ?? env.secret,
    id: env.id,
    timestamp: overrides.timestamp ?? env.timestamp,
    body: text,
  });
}

export interface Delivery {
  notice: Notice;
  request: FuzzRequest;
}

/** A genuine delivery: signed with one of the stage's secrets over exactly what is sent. */
export const signedDelivery: fc.Arbitrary<Delivery> = fc
  .record({ notice, env: envelope })
  .map(({ notice: n, env }) => {
    const text = padded(n.text, env.padTo);
    const signed = sign(env, text);
    const request = requestOf(env, n.bodyKind, text, {
      ...signed,
      'webhook-signature': signatureValue(signed['webhook-signature'], env.extra, env.position),
    });
    return { notice: n, request };
  });

export const forgeries = [
  'unsigned',
  'no_id',
  'no_timestamp',
  'no_signature',
  'duplicated_header',
  'joined_header',
  'other_secret',
  'tampered_body',
  'stale',
  'future',
  'bad_timestamp',
  'changed_id',
  'mangled_signature',
  'other_scheme',
  'flipped_encoding',
] as const;
export type Forgery = (typeof forgeries)[number];

/** A valid key that is not one of the stage's: a forger's own secret. */
const otherSecret = fc
  .uint8Array({ minLength: 24, maxLength: 64 })
  .map((key) => `whsec_${Buffer.from(key).toString('base64')}`)
  .filter((secret) => !(V2_WEBHOOK_SECRETS as readonly string[]).includes(secret));

const badTimestamp = fc.oneof(
  fc.constantFrom(
    ' 1760000000',
    '1760000000 ',
    '1760000000.0',
    '-1760000000',
    '1.76e9',
    '0x68E77A00',
    '１７６００００００００',
    '1760000000, 1760000000',
    '9'.repeat(16),
  ),
  nasty,
);

/** One character of a signature changed, so it can never match again. */
function mangle(signature: string, at: number): string {
  const value = signature.slice('v1,'.length);
  if (value === '') return 'v1,A';
  const index = at % value.length;
  const swapped = value[index] === 'A' ? 'B' : 'A';
  return `v1,${value.slice(0, index)}${swapped}${value.slice(index + 1)}`;
}

interface ForgeryInput {
  notice: Notice;
  env: Envelope;
  forgery: Forgery;
  otherSecret: string;
  skew: number;
  badTimestamp: string;
  at: number;
  tail: string;
}

export interface Forged {
  forgery: Forgery | 'garbage';
  request: FuzzRequest;
}

/** A genuine delivery of `notice`, then broken the way `forgery` says. */
function forge(input: ForgeryInput): Forged {
  const { notice: n, env, forgery, otherSecret: forger, skew, badTimestamp: stamp, at, tail } = input;
  const text = padded(n.text, env.padTo);
  const signed = sign(env, text);
  const kind = n.bodyKind;
  const send = (headers: Partial<WebhookHeaders>, body = text, options: { base64?: boolean } = {}) => ({
    forgery,
    request: requestOf(env, kind, body, headers, options),
  });
  const { 'webhook-id': _id, ...noId } = signed;
  const { 'webhook-timestamp': _ts, ...noTimestamp } = signed;
  const { 'webhook-signature': signature, ...noSignature } = signed;
  switch (forgery) {
    case 'unsigned':
      return send({});
    case 'no_id':
      return send(noId);
    case 'no_timestamp':
      return send(noTimestamp);
    case 'no_signature':
      return send(noSignature);
    case 'duplicated_header': {
      const sent = send(signed);
      // The same header once more under the other spelling, as two headers of one name arrive.
      const name = WEBHOOK_HEADER_NAMES[at % WEBHOOK_HEADER_NAMES.length] ?? 'webhook-signature';
      const twice = Object.keys(sent.request.headers).some((key) => key === name) ? name.toUpperCase() : name;
      setOwn(sent.request.headers, twice, signed[name]);
      return sent;
    }
    case 'joined_header':
      return send({ ...signed, 'webhook-signature': `${signature}, ${signature}` });
    case 'other_secret':
      return send(sign(env, text, { secret: forger }));
    case 'tampered_body':
      return send(signed, text + tail);
    case 'stale':
      return send(sign(env, text, { timestamp: Math.max(0, FIXED_UNIX - skew) }));
    case 'future':
      return send(sign(env, text, { timestamp: FIXED_UNIX + skew }));
    case 'bad_timestamp':
      return send({ ...signed, 'webhook-timestamp': stamp });
    case 'changed_id':
      return send({ ...signed, 'webhook-id': `${env.id}${tail}` });
    case 'mangled_signature':
      return send({ ...signed, 'webhook-signature': mangle(signature, at) });
    case 'other_scheme':
      return send({ ...signed, 'webhook-signature': signature.replace(/^v1,/, 'v1a,') });
    case 'flipped_encoding':
      // Signed over the text, but the receiver is told the body is base64 (or the other way round).
      return text === ''
        ? send(signed, ' ')
        : env.base64
          ? {
              forgery,
              request: {
                ...requestOf(env, kind, text, signed, { base64: false }),
                body: { body: text, isBase64Encoded: true },
              },
            }
          : send(signed, Buffer.from(text, 'utf8').toString('base64'), { base64: false });
  }
}

/**
 * A delivery broken in one way: unsigned, a header missing or sent twice, signed with another secret,
 * over another body or id, outside the 5-minute window, or with a signature that is not ours.
 */
export const forgedDelivery: fc.Arbitrary<Forged> = fc
  .record({
    notice,
    env: envelope,
    forgery: fc.constantFrom(...forgeries),
    otherSecret,
    // Past the 5-minute tolerance on either side of the receiver's clock.
    skew: fc.integer({ min: 301, max: 1_000_000_000 }),
    badTimestamp,
    at: fc.nat(),
    tail: fc.constantFrom(' ', 'x', '\n', '}', '&'),
  })
  .map(forge);

/** Anything at all, with webhook headers of any value: nothing here can be signed by PortOne. */
export const garbageDelivery: fc.Arbitrary<FuzzRequest> = fc
  .record({
    request: fuzzRequest,
    webhook: fc.array(
      fc.tuple(
        fc.constantFrom(
          'webhook-id',
          'webhook-timestamp',
          'webhook-signature',
          'Webhook-Signature',
          'WEBHOOK-ID',
        ),
        fc.oneof(
          nasty,
          anyText,
          fc.integer({ min: FIXED_UNIX - 300, max: FIXED_UNIX + 300 }).map(String),
          fc.base64String({ minLength: 44, maxLength: 44 }).map((sig) => `v1,${sig}`),
        ),
      ),
      { maxLength: 4 },
    ),
  })
  .map(({ request, webhook }) => {
    const headers = { ...request.headers };
    for (const [name, value] of webhook) setOwn(headers, name, value);
    return { ...request, headers };
  });
