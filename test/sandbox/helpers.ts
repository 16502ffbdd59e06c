import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { z } from 'zod';
import {
  demoApiKey,
  demoApiSecret,
  type SandboxHandle,
  type SandboxOptions,
  startSandbox,
} from '../../sandbox/index';

/** A fixed start time keeps every timestamp in these tests exact: 2026-01-15T03:00:00Z. */
export const baseMs = Date.UTC(2026, 0, 15, 3, 0, 0);
export const baseSeconds = baseMs / 1000;

export function start(options: SandboxOptions = {}): Promise<SandboxHandle> {
  return startSandbox({ now: () => baseMs, ...options });
}

export interface CallOptions {
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded, keys as given (bracket keys allowed). */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer <token>` unless `headers` sets a token itself. */
  token?: string;
}

export interface CallResult {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function call(
  base: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  const parsed: unknown = text === '' ? undefined : JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed };
}

export const envelopeSchema = z.object({
  code: z.number(),
  message: z.string().nullable(),
  response: z.unknown(),
});
export type EnvelopeBody = z.infer<typeof envelopeSchema>;

export const envelope = (result: CallResult): EnvelopeBody => envelopeSchema.parse(result.body);

/** The sandbox's full payment object, as tests read it. */
export const sandboxPaymentSchema = z.looseObject({
  imp_uid: z.string(),
  merchant_uid: z.string(),
  amount: z.number(),
  cancel_amount: z.number(),
  currency: z.string(),
  status: z.string(),
  sandbox: z.boolean(),
  pay_method: z.string(),
  started_at: z.number(),
  paid_at: z.number(),
  failed_at: z.number(),
  cancelled_at: z.number(),
  vbank_num: z.string().nullable(),
  vbank_name: z.string().nullable(),
  vbank_code: z.string().nullable(),
  vbank_holder: z.string().nullable(),
  vbank_date: z.number(),
  vbank_issued_at: z.number(),
  fail_reason: z.string().nullable(),
  cancel_reason: z.string().nullable(),
  cancel_history: z.array(
    z.object({
      pg_tid: z.string(),
      amount: z.number(),
      cancelled_at: z.number(),
      reason: z.string(),
      cancellation_id: z.string(),
      receipt_url: z.string(),
    }),
  ),
});
export type SandboxPayment = z.infer<typeof sandboxPaymentSchema>;

export const pageSchema = z.object({
  total: z.number(),
  previous: z.number(),
  next: z.number(),
  list: z.array(sandboxPaymentSchema),
});

export const paymentOf = (result: CallResult): SandboxPayment =>
  sandboxPaymentSchema.parse(envelope(result).response);

export async function getToken(sandbox: SandboxHandle): Promise<string> {
  const res = await call(sandbox.url, 'POST', '/users/getToken', {
    json: { imp_key: demoApiKey, imp_secret: demoApiSecret },
  });
  return z.object({ access_token: z.string() }).parse(envelope(res).response).access_token;
}

/** `POST /__sandbox/payments`; fails the test unless the sandbox answers 201. */
export async function createPayment(
  sandbox: SandboxHandle,
  body: Record<string, unknown>,
): Promise<SandboxPayment> {
  const res = await call(sandbox.url, 'POST', '/__sandbox/payments', { json: body });
  if (res.status !== 201) throw new Error(`create payment: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return sandboxPaymentSchema.parse(res.body);
}

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** HTTP status the receiver answers with. */
  status: number;
  close(): Promise<void>;
}

/** A real merchant endpoint on port 0 that records every webhook it gets. */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Receiver = { url: '', received, status: 200, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(receiver.status, { 'content-type': 'text/plain' }).end('OK');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('receiver has no TCP address');
  receiver.url = `http://127.0.0.1:${address.port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}
