import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import { eventBridgeClient } from '../../../shared/runtime/eventBridge';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('eventBridgeClient', () => {
  it('ends an attempt nobody answers at the stage’s deadline, as the DynamoDB and SQS clients do', async () => {
    const server = createServer(() => {
      // Never answers: the request is held until the client gives up.
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_EVENTBRIDGE: `http://127.0.0.1:${port}`,
      AWS_REGION: 'ap-northeast-2',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    try {
      const client = eventBridgeClient({ awsRequestTimeoutMs: 100 });
      const started = performance.now();
      const sent = client.send(
        new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 't', Detail: '{}' }] }),
      );
      await expect(sent).rejects.toMatchObject({ name: 'TimeoutError' });
      // Three attempts of 100 ms and the SDK's backoff between them, far from "never".
      expect(performance.now() - started).toBeLessThan(5000);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
