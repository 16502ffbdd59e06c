import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { type SandboxHandle, startSandbox } from '../../sandbox';
import { createIamportClient, type IamportClient } from '../../shared/iamport';
import type { Payment } from '../../shared/iamport/types';
import type { OrderStore } from '../../shared/orders/store';
import type { VerifyOrQueueDeps } from '../../shared/payments/verifyOrQueue';
import type { RetryMessage, RetryQueue } from '../../shared/queue/types';
import { createOrderStoreFromConfig } from '../../shared/runtime/dynamo';

/** A queue that keeps what it was given; `failing` makes it refuse like an unreachable SQS. */
export class RecordingQueue implements RetryQueue {
  readonly sent: { message: RetryMessage; delaySeconds: number }[] = [];
  failing = false;
  async send(message: RetryMessage, delaySeconds: number): Promise<void> {
    if (this.failing) throw new Error('queue unreachable');
    this.sent.push({ message, delaySeconds });
  }
}

export interface TestStack {
  sandbox: SandboxHandle;
  iamport: IamportClient;
  orders: OrderStore;
  queue: RecordingQueue;
  deps: VerifyOrQueueDeps;
  close(): Promise<void>;
}

/** The real thing on loopback: the shared dynalite, a fresh sandbox, our Iamport client over HTTP. */
export async function startTestStack(
  options: { webhookUrl?: string; timeoutMs?: number } = {},
): Promise<TestStack> {
  const sandbox = await startSandbox(options.webhookUrl ? { webhookUrl: options.webhookUrl } : {});
  const iamport = createIamportClient({
    baseUrl: sandbox.url,
    apiKey: 'imp_apikey',
    apiSecret: 'ekKoeW8RyKuT0zgaZsUtXXTLQ4AhPFW3ZGseDA6bkA5lamv9OqDMnxyeB9wqOsuO9W3Mx9YSJ4dTqJ3f',
    timeoutMs: options.timeoutMs ?? 2000,
  });
  const orders = createOrderStoreFromConfig({
    ordersTable: inject('ordersTable'),
    dynamoEndpoint: inject('dynamoEndpoint'),
  });
  const queue = new RecordingQueue();
  const deps: VerifyOrQueueDeps = {
    iamport,
    orders,
    queue,
    acceptSandboxPayments: false,
    retryBaseSeconds: 1,
  };
  return {
    sandbox,
    iamport,
    orders,
    queue,
    deps,
    close: async () => {
      await iamport.close();
      await sandbox.close();
    },
  };
}

export function uniqueMerchantUid(prefix = 'order'): string {
  return `${prefix}_${randomUUID().slice(0, 18)}`;
}

export interface SandboxPaymentInput {
  merchant_uid: string;
  amount: number;
  status?: 'paid' | 'ready' | 'failed';
  pay_method?: string;
  currency?: string;
  sandbox?: boolean;
  notify?: boolean;
  webhook_format?: 'json' | 'form';
}

/** Through the sandbox's control API, as if a buyer finished the payment window. */
export async function payInSandbox(sandbox: SandboxHandle, input: SandboxPaymentInput): Promise<Payment> {
  const response = await fetch(`${sandbox.url}/__sandbox/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ notify: false, ...input }),
  });
  if (response.status !== 201)
    throw new Error(`sandbox refused the payment: ${response.status} ${await response.text()}`);
  return (await response.json()) as Payment;
}

export async function sandboxControl(sandbox: SandboxHandle, path: string, body?: unknown, method = 'POST') {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

export async function sandboxRequests(
  sandbox: SandboxHandle,
): Promise<{ method: string; path: string; status: number }[]> {
  const response = await fetch(`${sandbox.url}/__sandbox/requests`);
  return (await response.json()) as { method: string; path: string; status: number }[];
}
