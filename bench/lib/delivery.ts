import { type Child, startChild } from './child';
import type { InfraInfo } from './infra';

/** The stream's stand-in and the delivery function, in their own process (`deliveryMain.ts`). */
export interface DeliveryInfo {
  /** The DynamoDB endpoint whose writes reach the stream: give it to the system under test. */
  endpoint: string;
}

export type DeliveryApi = {
  /** Resolves once every change so far reached the delivery function; its counters. */
  settled: (arg: null) => Promise<{ emitted: number; invocations: number; retried: number; failed: number }>;
};

export type Delivery = Child<DeliveryApi, DeliveryInfo>;

export function startDelivery(infra: InfraInfo, env: NodeJS.ProcessEnv): Promise<Delivery> {
  return startChild('bench/lib/deliveryMain.ts', {
    ...env,
    BENCH_DYNAMODB_TARGET: infra.dynamoEndpoint,
    ORDERS_TABLE: infra.ordersTable,
  });
}
