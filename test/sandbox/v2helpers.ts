import type { Payment } from '@portone/server-sdk/payment';
import { z } from 'zod';
import { demoV2ApiSecret, type SandboxHandle, type V2Payment, viewV2Payment } from '../../sandbox/index';
import { type CallOptions, type CallResult, call } from './helpers';

/** `Authorization: PortOne <secret>`, the demo secret unless told otherwise. */
export const portOne = (secret: string = demoV2ApiSecret): Record<string, string> => ({
  authorization: `PortOne ${secret}`,
});

/** A call to the V2 API (`sandbox.v2Url`), authorised with the demo secret unless `headers` says otherwise. */
export function v2Call(
  sandbox: SandboxHandle,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult> {
  return call(sandbox.v2Url, method, path, { ...options, headers: { ...portOne(), ...options.headers } });
}

/** A control call (`sandbox.url`, no secret). */
export const control = (sandbox: SandboxHandle, method: string, path: string, json?: unknown) =>
  call(sandbox.url, method, path, json === undefined ? {} : { json });

export const v2ErrorSchema = z.strictObject({ type: z.string(), message: z.string() });
export const v2ErrorOf = (res: CallResult) => ({ status: res.status, ...v2ErrorSchema.parse(res.body) });

/**
 * The sandbox's own view of a V2 payment, typed as the SDK's `Payment`: `satisfies` is where a shape
 * drifting from PortOne's OpenAPI fails the type check; the tests compare HTTP answers with it.
 */
export function sdkView(sandbox: SandboxHandle, paymentId: string): V2Payment {
  const record = sandbox.state.v2.payments.get(paymentId);
  if (record === undefined) throw new Error(`no V2 payment ${paymentId}`);
  const view = viewV2Payment(record, sandbox.state.v2.config);
  view satisfies Payment;
  return view;
}

/** `POST /__sandbox/v2/payments`; fails the test unless the sandbox answers 201 with the payment's view. */
export async function createV2Payment(
  sandbox: SandboxHandle,
  body: Record<string, unknown>,
): Promise<V2Payment> {
  const res = await control(sandbox, 'POST', '/__sandbox/v2/payments', { notify: false, ...body });
  if (res.status !== 201)
    throw new Error(`create V2 payment: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  const view = sdkView(sandbox, String(body.paymentId));
  if (JSON.stringify(res.body) !== JSON.stringify(view)) throw new Error('create answered another view');
  return view;
}
