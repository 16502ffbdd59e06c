import { type Child, startChild } from './child';

/** The name the stream invokes the delivery function by (serverless-offline's invoke API, locally). */
export const DELIVERY_FUNCTION = 'deliverEvents';

/** The delivery function in a process of its own (`deliveryMain.ts`), the stream's consumer. */
export interface DeliveryInfo {
  /** Its Lambda Invoke API: `POST {url}{invocationsPath('deliverEvents')}` (`local/lambdaInvoke.ts`). */
  url: string;
}

export type Delivery = Child<Record<string, never>, DeliveryInfo>;

/** `env`: the function's environment as deployed (DynamoDB, the merchant webhook), pointed at the infra. */
export function startDelivery(env: NodeJS.ProcessEnv): Promise<Delivery> {
  return startChild('bench/lib/deliveryMain.ts', env);
}
