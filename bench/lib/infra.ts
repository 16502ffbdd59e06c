import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Child, startChild } from './child';

/** What the infrastructure child (`bench/infra/main.ts`) serves. */
export interface InfraInfo {
  dynamoEndpoint: string;
  ordersTable: string;
  /** The Iamport sandbox: use as IAMPORT_BASE_URL. */
  sandboxUrl: string;
  /** The same sandbox's PortOne V2 API: use as PORTONE_BASE_URL. */
  sandboxV2Url: string;
  /** A merchant webhook endpoint that records every order event it receives. */
  receiverUrl: string;
}

/** Requests received since the last reset, counted by the servers themselves. */
export interface Counts {
  /** DynamoDB requests by operation (`GetItem`, `UpdateItem`, …). */
  dynamo: Record<string, number>;
  /** Iamport API calls: `getToken`, `getPayment`, or `METHOD /path` for anything else. */
  iamport: Record<string, number>;
  /** Order events delivered to the receiver. */
  deliveries: number;
}

export type InfraApi = {
  counts: (arg: null) => Promise<Counts>;
  reset: (arg: null) => Promise<null>;
  /** Deliveries per event id since the last reset. */
  deliveries: (arg: null) => Promise<Record<string, number>>;
  /** The orders table's stream hands its records to the delivery function served at this invoke URL. */
  consumeWith: (lambdaUrl: string) => Promise<null>;
  /** Resolves once every record of the stream so far was handled; its counters. */
  settled: (arg: null) => Promise<{ emitted: number; invocations: number; retried: number; failed: number }>;
  /** true: the stream keeps its records (its consumer is elsewhere); false: hands them out again. */
  hold: (held: boolean) => Promise<null>;
};

export type Infra = Child<InfraApi, InfraInfo> & {
  /** A document client on the benchmark's dynalite, for seeding and checking orders. */
  doc: DynamoDBDocumentClient;
};

export async function startInfra(): Promise<Infra> {
  const child = await startChild<InfraApi, InfraInfo>('bench/infra/main.ts', {});
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: child.info.dynamoEndpoint,
      region: 'ap-northeast-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  return {
    ...child,
    doc,
    stop: async () => {
      doc.destroy();
      await child.stop();
    },
  };
}

export function sum(record: Record<string, number>): number {
  return Object.values(record).reduce((total, value) => total + value, 0);
}
