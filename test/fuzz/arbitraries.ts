/**
 * Hostile HTTP input for the fuzz properties: identifiers that look like path traversal, control
 * characters, RTL and emoji, bodies in every encoding the routes may meet (JSON with prototype keys
 * and repeated keys, forms with repeated keys, base64 or not, valid or broken), content types with
 * and without charset, random headers, query strings and sizes around the 16 KiB limit.
 */

import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { httpApiEvent } from '../helpers/events';
import {
  IAMPORT_IPS,
  KNOWN_IMP_UIDS,
  SEEDED_MERCHANT_UIDS,
  type Stage,
  V2_PAYMENT_IDS,
  type Weather,
} from './world';

/** Strings that broke something somewhere once. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\t',
  '\u0000',
  '\n',
  '\r\n',
  '\u007f',
  '.',
  '..',
  ' .. ',
  '../',
  '../../etc/passwd',
  '..\\..\\windows',
  '%2e%2e/',
  '%2e%2e%2f',
  '%2E%2E',
  '..%2f',
  '%252e%252e',
  '/',
  '//',
  '?',
  '#',
  '%',
  '%zz',
  '%00',
  '%E0%A4%A',
  '&',
  '=',
  '+',
  ',',
  ';',
  'imp_',
  'imp_../x',
  'imp_%2e%2e',
  'imp_1/..',
  'imp_1?x=1',
  'IMP_1',
  ' imp_100000000001 ',
  'imp_100000000001\u0000',
  'imp_100000000001\n',
  'imp_100000000001\u00a0',
  `imp_${'a'.repeat(40)}`,
  `imp_${'a'.repeat(41)}`,
  '\u202eimp_100000000001',
  'imp_١٢٣',
  'ｉｍｐ_1',
  'imp_1🚀',
  '🚀',
  '👩‍👩‍👧‍👦',
  'مرحبا',
  '\u200b',
  'a\u0301',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'true',
  '0',
  '-1',
  'NaN',
  '1e309',
  '{}',
  '[]',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally
  '${7*7}',
  '{{7*7}}',
  'https://evil.example.com',
  '//evil.example.com',
  'javascript:alert(1)',
  'x'.repeat(40),
  'x'.repeat(41),
  'x'.repeat(80),
  'x'.repeat(81),
] as const;

export const nasty = fc.constantFrom(...NASTY_STRINGS);
export const anyText = fc.string({ unit: 'binary', maxLength: 60 });
const longText = fc.constantFrom(100, 1_000, 20_000).chain((length) => fc.constant('é'.repeat(length)));

/**
 * Text for any generated value. `String(value)` throws on objects without a usable `toString` (a
 * null prototype, or a `toString` key holding data), which the generators do produce.
 */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch {
    return JSON.stringify(value) ?? '';
  }
}

/** Something that may or may not be an identifier we know, and may be anything at all. */
export const identifierLike: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...KNOWN_IMP_UIDS), weight: 3 },
  { arbitrary: fc.constantFrom(...SEEDED_MERCHANT_UIDS, 'order_ghost', ...V2_PAYMENT_IDS), weight: 3 },
  { arbitrary: fc.stringMatching(/^imp_[0-9A-Za-z]{1,40}$/), weight: 2 },
  { arbitrary: nasty, weight: 4 },
  {
    arbitrary: fc.constantFrom('.', '..', ' .. ', '../', '%2e%2e/', '..%2f', '\ud800', 'a\udc00b'),
    weight: 1,
  },
  { arbitrary: anyText, weight: 2 },
  { arbitrary: fc.tuple(nasty, fc.constantFrom(...KNOWN_IMP_UIDS)).map(([a, b]) => a + b), weight: 1 },
  { arbitrary: fc.tuple(fc.constantFrom(...KNOWN_IMP_UIDS), nasty).map(([a, b]) => a + b), weight: 1 },
  { arbitrary: longText, weight: 1 },
);

/** An identifier that more often than not is one the seeded world knows. */
export const likelyIdentifier: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...KNOWN_IMP_UIDS), weight: 4 },
  { arbitrary: fc.constantFrom(...SEEDED_MERCHANT_UIDS), weight: 1 },
  { arbitrary: identifierLike, weight: 3 },
);

/** A V2 paymentId that more often than not is one the seeded PortOne or our store knows. */
export const likelyPaymentId: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...V2_PAYMENT_IDS), weight: 4 },
  { arbitrary: fc.constantFrom(...SEEDED_MERCHANT_UIDS), weight: 1 },
  { arbitrary: identifierLike, weight: 3 },
);

/** Field values of any JSON type, identifiers first. */
export const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: identifierLike, weight: 6 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
  {
    arbitrary: fc.constantFrom(0, -1, 14_000, 1e12, 1e13, 0.1, 12.5, Number.MAX_SAFE_INTEGER + 2),
    weight: 1,
  },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: fc.array(identifierLike, { maxLength: 3 }), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 },
);

const fieldName = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      'imp_uid',
      'merchant_uid',
      'status',
      'cancellation_id',
      'amount',
      'currency',
      'name',
      'imp_success',
      'success',
      'error_msg',
      'paymentId',
      'payment_id',
      'api',
      'type',
    ),
    weight: 6,
  },
  { arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf'), weight: 2 },
  { arbitrary: anyText, weight: 1 },
);

/** A JSON object written by hand, so that `__proto__` stays a key and keys may repeat. */
const jsonObjectText = fc
  .array(fc.tuple(fieldName, fieldValue), { maxLength: 8 })
  .map(
    (entries) =>
      `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`,
  );

/** `encodeURIComponent` refuses lone surrogates; such a string goes raw, as a broken client would send it. */
export function formEncode(text: string, raw: boolean): string {
  if (raw) return text;
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
}

const formText = fc
  .array(fc.tuple(fieldName, identifierLike, fc.boolean()), { maxLength: 8 })
  .map((entries) =>
    entries.map(([key, value, raw]) => `${formEncode(key, raw)}=${formEncode(value, raw)}`).join('&'),
  );

const nestingDepth = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constantFrom(1_000, 5_000));

/** The routes' own field names with fuzzed values: the input that gets past parsing to the schemas. */
const knownFields = fc.record(
  {
    imp_uid: identifierLike,
    merchant_uid: identifierLike,
    status: identifierLike,
    cancellation_id: identifierLike,
    amount: fieldValue,
    currency: fieldValue,
    name: fieldValue,
    imp_success: fieldValue,
    paymentId: identifierLike,
  },
  { requiredKeys: [] },
);

export type BodyKind = 'json' | 'form' | 'other';

/** Bodies of every shape a route may receive, with the kind a matching content type would name. */
export const bodyText: fc.Arbitrary<{ kind: BodyKind; text: string }> = fc.oneof(
  {
    arbitrary: knownFields.map((body) => ({ kind: 'json' as const, text: JSON.stringify(body) })),
    weight: 6,
  },
  {
    arbitrary: knownFields.map((body) => ({
      kind: 'form' as const,
      text: Object.entries(body)
        .map(([key, value]) => `${key}=${formEncode(asText(value), false)}`)
        .join('&'),
    })),
    weight: 5,
  },
  { arbitrary: jsonObjectText.map((text) => ({ kind: 'json' as const, text })), weight: 4 },
  { arbitrary: formText.map((text) => ({ kind: 'form' as const, text })), weight: 3 },
  {
    arbitrary: fc.jsonValue().map((value) => ({ kind: 'json' as const, text: JSON.stringify(value) })),
    weight: 1,
  },
  {
    arbitrary: fc
      .string({ unit: 'binary', maxLength: 200 })
      .map((text) => ({ kind: 'other' as const, text })),
    weight: 1,
  },
  { arbitrary: nasty.map((text) => ({ kind: 'other' as const, text })), weight: 1 },
  {
    arbitrary: nestingDepth.map((depth) => ({
      kind: 'json' as const,
      text: `{"imp_uid":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    })),
    weight: 1,
  },
  {
    arbitrary: nestingDepth.map((depth) => ({
      kind: 'json' as const,
      text: `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
    })),
    weight: 1,
  },
  {
    arbitrary: fc
      .constantFrom(
        '{',
        '{"imp_uid":',
        '{"imp_uid":"imp_1"',
        '{"imp_uid":"imp_1",}',
        '{}}',
        ' {} ',
        '\ufeff{}',
      )
      .map((text) => ({ kind: 'json' as const, text })),
    weight: 1,
  },
);

/** How the body travels: as is, base64 (valid or not), or base64 of bytes that are not UTF-8. */
export type BodyEncoding = 'plain' | 'base64' | 'base64url' | 'bogus-base64' | 'latin1-base64' | 'absent';

export interface RequestBody {
  body?: string;
  isBase64Encoded: boolean;
}

/** Pads to hit the 16 KiB limit exactly, one byte either side, or far beyond it. */
export const padding = fc.oneof(
  { arbitrary: fc.constant(0), weight: 12 },
  { arbitrary: fc.constantFrom(16_383, 16_384, 16_385, 70_000), weight: 1 },
);

export function encodeBody(text: string, encoding: BodyEncoding, padTo: number): RequestBody {
  const bytes = Buffer.byteLength(text, 'utf8');
  const padded = padTo > bytes ? text + ' '.repeat(padTo - bytes) : text;
  switch (encoding) {
    case 'absent':
      return { isBase64Encoded: false };
    case 'plain':
      return { body: padded, isBase64Encoded: false };
    case 'base64':
      return { body: Buffer.from(padded, 'utf8').toString('base64'), isBase64Encoded: true };
    case 'base64url':
      return { body: Buffer.from(padded, 'utf8').toString('base64url'), isBase64Encoded: true };
    case 'bogus-base64':
      return { body: padded, isBase64Encoded: true };
    case 'latin1-base64':
      return { body: Buffer.from(padded, 'latin1').toString('base64'), isBase64Encoded: true };
  }
}

const encodings = fc.constantFrom<BodyEncoding>(
  'plain',
  'plain',
  'plain',
  'plain',
  'base64',
  'base64url',
  'bogus-base64',
  'latin1-base64',
  'absent',
);

const contentTypeValue = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'APPLICATION/JSON;CHARSET=UTF-8',
      'application/json; charset=euc-kr',
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=UTF-8',
      'application/x-www-form-urlencoded;charset=EUC-KR',
      'text/plain',
      'text/plain;charset=latin1',
      'multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW',
      'text/html',
      'application/xml',
      'application/octet-stream',
      'application/vnd.api+json',
      '',
      ';',
      ' ; ; ',
      '*/*',
    ),
    weight: 8,
  },
  { arbitrary: anyText, weight: 1 },
  { arbitrary: nasty, weight: 1 },
);

/** The content types a client sending this kind of body would plausibly name. */
const matchingContentType: Record<BodyKind, fc.Arbitrary<string>> = {
  json: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'Application/JSON'),
  form: fc.constantFrom(
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=UTF-8',
    'text/plain;charset=UTF-8',
  ),
  other: contentTypeValue,
};

const contentTypeName = fc.constantFrom('content-type', 'Content-Type', 'CONTENT-TYPE', 'content_type');

const headerName = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      'origin',
      'x-forwarded-for',
      'content-length',
      'content-encoding',
      'transfer-encoding',
      'cookie',
      'accept-charset',
      'authorization',
      'host',
      'referer',
      'user-agent',
    ),
    weight: 3,
  },
  { arbitrary: anyText, weight: 1 },
  { arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString'), weight: 1 },
);

/** Headers with one content type (matching the body, or not), maybe a second one, and random others. */
export function headersFor(kind: BodyKind): fc.Arbitrary<Record<string, string>> {
  return fc
    .tuple(
      fc.option(fc.tuple(contentTypeName, fc.oneof(matchingContentType[kind], contentTypeValue)), {
        freq: 6,
      }),
      fc.option(fc.tuple(contentTypeName, contentTypeValue), { freq: 1, nil: null }),
      fc.array(fc.tuple(headerName, fc.oneof(nasty, anyText)), { maxLength: 4 }),
    )
    .map(([primary, secondary, rest]) => {
      const record: Record<string, string> = {};
      for (const [name, value] of rest) setOwn(record, name, value);
      if (secondary) setOwn(record, secondary[0], secondary[1]);
      if (primary) setOwn(record, primary[0], primary[1]);
      return record;
    });
}

/** defineProperty keeps `__proto__` an ordinary key instead of a prototype switch. */
export function setOwn(record: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

export const originHeader = fc.oneof(
  fc.constantFrom(
    'https://shop.example.com',
    'https://m.shop.example.com',
    'https://evil.example.com',
    'https://shop.example.com.evil.example',
    'null',
    'http://shop.example.com',
  ),
  nasty,
  anyText,
);

export const method = fc.constantFrom(
  'POST',
  'POST',
  'POST',
  'GET',
  'OPTIONS',
  'PUT',
  'DELETE',
  'HEAD',
  'PATCH',
);

export const sourceIp = fc.oneof(
  fc.constantFrom(...IAMPORT_IPS),
  fc.ipV4(),
  fc.ipV6(),
  fc.constantFrom('', '52.78.100.19 ', '52.78.100.190', '::ffff:52.78.100.19'),
);

/** Query parameters as API Gateway hands them over: repeated keys already joined with commas. */
export const queryParameters: fc.Arbitrary<Record<string, string> | undefined> = fc.option(
  fc
    .array(
      fc.tuple(
        fc.oneof(
          { arbitrary: fc.constantFrom('imp_uid', 'merchant_uid', 'paymentId'), weight: 6 },
          {
            arbitrary: fc.constantFrom(
              'imp_success',
              'success',
              'error_code',
              'error_msg',
              'redirect',
              'next',
              'code',
              'message',
              'pgCode',
              'pgMessage',
            ),
            weight: 2,
          },
          { arbitrary: fc.constantFrom('__proto__', 'constructor'), weight: 1 },
          { arbitrary: anyText, weight: 1 },
        ),
        fc.oneof(
          { arbitrary: identifierLike, weight: 5 },
          {
            arbitrary: fc.tuple(identifierLike, identifierLike).map(([a, b]) => `${a},${b}`),
            weight: 1,
          },
        ),
      ),
      { maxLength: 5 },
    )
    .map((entries) => {
      const record: Record<string, string> = {};
      for (const [key, value] of entries) {
        setOwn(record, key, Object.hasOwn(record, key) ? `${record[key]},${value}` : value);
      }
      return record;
    }),
  { freq: 8 },
);

/** A whole request to a body-carrying route. */
export interface FuzzRequest {
  method: string;
  body: RequestBody;
  headers: Record<string, string>;
  query: Record<string, string> | undefined;
  /** The query string exactly as the client wrote it, instead of `query` encoded properly. */
  rawQuery?: string;
  sourceIp: string;
}

function withOrigin(base: Record<string, string>, origin: string | null): Record<string, string> {
  return origin === null ? base : { ...base, origin };
}

/** Anything at all: every body shape, encoding and header mix. No `chain`, so counterexamples shrink. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method,
    body: bodyText,
    encoding: encodings,
    padTo: padding,
    headers: fc.record({ json: headersFor('json'), form: headersFor('form'), other: headersFor('other') }),
    origin: fc.option(originHeader, { freq: 2 }),
    query: queryParameters,
    sourceIp,
  })
  .map(({ body, encoding, padTo, headers, origin, ...rest }) => ({
    ...rest,
    body: encodeBody(body.text, encoding, padTo),
    headers: withOrigin(headers[body.kind], origin),
  }));

/**
 * A request shaped like the route expects, the way a client or Iamport would send it (JSON or form with
 * a matching content type, base64 or not) with the route's own fields fuzzed: the input that reaches
 * the verification instead of stopping at the parser.
 */
export function shapedRequest(
  fields: readonly string[],
  likely: fc.Arbitrary<string> = likelyIdentifier,
): fc.Arbitrary<FuzzRequest> {
  // The first field (the imp_uid) is usually there; every field often names what the seeded world knows.
  const entries = fields.map(
    (field, index) => [field, fc.option(likely, { freq: index === 0 ? 6 : 1, nil: undefined })] as const,
  );
  return fc
    .record({
      values: fc
        .record(Object.fromEntries(entries))
        .map((record) =>
          Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)),
        ),
      asForm: fc.boolean(),
      base64: fc.boolean(),
      origin: fc.option(originHeader, { freq: 2 }),
      // Usually the fields themselves as the query too (the mobile redirect reads only the query).
      query: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 3 },
        { arbitrary: queryParameters, weight: 1 },
      ),
      sourceIp,
    })
    .map(({ values, asForm, base64, origin, query, sourceIp: ip }) => {
      const text = asForm
        ? Object.entries(values)
            .map(([key, value]) => `${key}=${formEncode(asText(value), false)}`)
            .join('&')
        : JSON.stringify(values);
      const contentType = asForm ? 'application/x-www-form-urlencoded; charset=UTF-8' : 'application/json';
      return {
        method: 'POST',
        body: encodeBody(text, base64 ? 'base64' : 'plain', 0),
        headers: withOrigin({ 'content-type': contentType }, origin),
        query: query ?? (values as Record<string, string>),
        sourceIp: ip,
      };
    });
}

export function eventOf(
  request: FuzzRequest,
  path: string,
  pathParameters?: Record<string, string>,
): APIGatewayProxyEventV2 {
  const event = httpApiEvent({
    method: request.method,
    path,
    headers: request.headers,
    isBase64Encoded: request.body.isBase64Encoded,
    sourceIp: request.sourceIp,
    ...(request.body.body === undefined ? {} : { body: request.body.body }),
    ...(request.query === undefined ? {} : { query: request.query }),
    ...(pathParameters === undefined ? {} : { pathParameters }),
  });
  // API Gateway passes the raw string on as it came, broken percent-encoding included.
  return request.rawQuery === undefined ? event : { ...event, rawQueryString: request.rawQuery };
}

/** True one time in five. */
export const rarely = fc.integer({ min: 0, max: 4 }).map((n) => n === 0);

/**
 * Iamport (and PortOne, the same sandbox) down, the retry queue down, DynamoDB down for `order_poison`,
 * each one time in five.
 */
export const weather: fc.Arbitrary<Weather> = fc.record({
  iamportDown: rarely,
  queueDown: rarely,
  storeDown: rarely,
});

/** A third anything at all, two thirds shaped like the route's own input with fuzzed values. */
export const requestFor = (fields: readonly string[], likely?: fc.Arbitrary<string>) =>
  fc.oneof({ arbitrary: fuzzRequest, weight: 1 }, { arbitrary: shapedRequest(fields, likely), weight: 2 });

/**
 * A CORS preflight as a browser sends it before the POST, with the Origin, the method and the headers
 * it asks for fuzzed, and sometimes a body and random headers it should not have.
 */
export const preflightRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    base: fuzzRequest,
    origin: fc.option(originHeader, { freq: 8, nil: undefined }),
    askedMethod: fc.option(fc.oneof(fc.constantFrom('POST', 'GET', 'PUT', 'post', ''), nasty), {
      nil: undefined,
    }),
    askedHeaders: fc.option(
      fc.oneof(fc.constantFrom('content-type', 'Content-Type, X-Requested-With', 'authorization'), nasty),
      {
        nil: undefined,
      },
    ),
    keepBody: fc.boolean(),
  })
  .map(({ base, origin, askedMethod, askedHeaders, keepBody }) => {
    const headers = keepBody ? { ...base.headers } : {};
    if (origin !== undefined) setOwn(headers, 'origin', origin);
    if (askedMethod !== undefined) setOwn(headers, 'access-control-request-method', askedMethod);
    if (askedHeaders !== undefined) setOwn(headers, 'access-control-request-headers', askedHeaders);
    return {
      ...base,
      method: 'OPTIONS',
      headers,
      body: keepBody ? base.body : { isBase64Encoded: false },
    };
  });

/** Bits of a query string as a broken client or a hand-made URL writes them, percent-encoding or not. */
const rawQueryPiece = fc.oneof(
  {
    arbitrary: fc.constantFrom(...KNOWN_IMP_UIDS, ...V2_PAYMENT_IDS.filter((id) => /^[\w-]+$/.test(id))),
    weight: 4,
  },
  {
    arbitrary: fc.constantFrom(
      '%',
      '%2',
      '%zz',
      '%E0%A4%A',
      '%ED%A0%80',
      '%C0%AF',
      '%00',
      '%2B',
      '+',
      '%20',
      '%2e%2e%2f',
      '%26',
      '%3D',
      '=',
      ';',
      '#',
      '%23',
      '%EF%BB%BF',
    ),
    weight: 3,
  },
  { arbitrary: identifierLike.map((text) => formEncode(text, false)), weight: 2 },
  { arbitrary: anyText, weight: 1 },
);

const rawQueryKey = fc.oneof(
  {
    arbitrary: fc.constantFrom('imp_uid', 'merchant_uid', 'paymentId', 'imp%5Fuid', 'paymentId%00'),
    weight: 6,
  },
  { arbitrary: fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', ''), weight: 1 },
  { arbitrary: rawQueryPiece, weight: 1 },
);

/** A raw query string: keys and values glued from raw pieces, with or without `=`, joined by `&`. */
export const rawQueryString: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(rawQueryKey, fc.option(fc.array(rawQueryPiece, { minLength: 1, maxLength: 3 }), { freq: 8 })),
    { maxLength: 5 },
  )
  .map((parts) => parts.map(([key, value]) => (value === null ? key : `${key}=${value.join('')}`)).join('&'));

/** A redirect as a browser follows it, with the query string written by hand (`rawQuery`). */
export const rawQueryRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({ base: fuzzRequest, rawQuery: rawQueryString })
  .map(({ base, rawQuery }) => ({ ...base, method: 'GET', query: undefined, rawQuery }));

/** V2 served beside V1 on most stages, as deployed with its params; a V1-only stage one time in eight. */
export const stage: fc.Arbitrary<Stage> = fc.oneof(
  { arbitrary: fc.constant({}), weight: 7 },
  { arbitrary: fc.constant({ v2: false }), weight: 1 },
);
