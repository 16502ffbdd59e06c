import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, type CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createWatchedDynalite, type ItemWrite } from './dynaliteWrites';

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  /** dynalite itself (its own 'request' events). */
  server: Server;
  close(): Promise<void>;
}

/**
 * An in-memory DynamoDB (dynalite) on loopback; port 0 picks a free one. With `onWrite`, every item
 * write it stores is reported (`dynaliteWrites.ts`: the local stream's source).
 */
export async function startLocalDynamo(
  port = 0,
  host = '127.0.0.1',
  onWrite?: (write: ItemWrite) => void,
): Promise<LocalDynamo> {
  const options = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };
  const server = onWrite ? createWatchedDynalite(options, onWrite) : dynalite(options);
  server.listen(port, host);
  await once(server, 'listening');
  const { port: actual } = server.address() as AddressInfo;
  const endpoint = `http://${host}:${actual}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'ap-northeast-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    endpoint,
    client,
    server,
    close: async () => {
      client.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** dynalite on a Unix socket of its own (for a proxy in front of it: the chaos run's fault proxy test). */
export async function startDynaliteOnSocket(): Promise<{ socketPath: string; close(): Promise<void> }> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const socketPath = join(tmpdir(), `dynalite-${process.pid}-${randomBytes(4).toString('hex')}.sock`);
  server.listen(socketPath);
  await once(server, 'listening');
  return {
    socketPath,
    close: async () => {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(socketPath, { force: true });
    },
  };
}

/** CloudFormation table properties that CreateTable does not take (or dynalite does not know). */
const DEPLOY_ONLY = [
  // dynalite has no streams: the local change feed (changeFeed.ts) stands in, for `tablesWithStreams`.
  'StreamSpecification',
  'PointInTimeRecoverySpecification',
  'SSESpecification',
  'TimeToLiveSpecification',
  'Tags',
];

/**
 * Creates the tables exactly as `serverless.yml` declares them, so local and deployed schemas cannot
 * drift: `resources` is the resolved Resources map (from `serverless print`).
 */
export async function createTablesFromResources(client: DynamoDBClient, resources: Record<string, unknown>) {
  const created: string[] = [];
  for (const resource of Object.values(resources)) {
    if (!isTable(resource)) continue;
    const input: Record<string, unknown> = { ...resource.Properties };
    for (const key of DEPLOY_ONLY) delete input[key];
    await client.send(new CreateTableCommand(input as unknown as CreateTableCommandInput));
    created.push(String(input.TableName));
  }
  return created;
}

/** The tables the template gives a stream: the change feed watches these. */
export function tablesWithStreams(resources: Record<string, unknown>): string[] {
  return Object.values(resources).flatMap((resource) =>
    isTable(resource) && resource.Properties.StreamSpecification !== undefined
      ? [String(resource.Properties.TableName)]
      : [],
  );
}

function isTable(resource: unknown): resource is { Type: string; Properties: Record<string, unknown> } {
  if (typeof resource !== 'object' || resource === null) return false;
  const { Type, Properties } = resource as { Type?: unknown; Properties?: unknown };
  return Type === 'AWS::DynamoDB::Table' && typeof Properties === 'object' && Properties !== null;
}
