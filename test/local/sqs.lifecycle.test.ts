import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { md5, sqsClient, startTestSqs, uniqueName } from './helpers';

describe('local SQS lifecycle and addressing', () => {
  it('answers a pending long poll and closes promptly', async () => {
    const t = await startTestSqs();
    const url = await t.server.createQueue(uniqueName());
    const polling = t.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 })).then(
      (output) => output.Messages ?? [],
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await t.server.close();
    expect(await polling).toEqual([]);
    expect(performance.now() - started).toBeLessThan(500);
    t.sqs.destroy();
  });

  it('queue URLs work as the endpoint when the client has no override (useQueueUrlAsEndpoint)', async () => {
    const t = await startTestSqs();
    const warnings: unknown[] = [];
    const quiet = () => undefined;
    const logger = {
      debug: quiet,
      info: quiet,
      error: quiet,
      warn: (...args: unknown[]) => warnings.push(args),
    };
    const plain = sqsClient({ logger });
    try {
      const url = await t.server.createQueue(uniqueName());
      const sent = await plain.send(
        new SendMessageCommand({ QueueUrl: url, MessageBody: 'via the URL host' }),
      );
      expect(sent.MD5OfMessageBody).toBe(md5('via the URL host'));
      // The SDK warns about the redirect on every call: local code should still set `endpoint`.
      expect(warnings).toHaveLength(1);
    } finally {
      plain.destroy();
      await t.close();
    }
  });

  it('answers what is not SQS JSON-protocol traffic with a JSON error', async () => {
    const t = await startTestSqs();
    const post = (headers: Record<string, string>, body = '{}') =>
      fetch(`${t.server.endpoint}/`, { method: 'POST', headers, body }).then(async (response) => ({
        status: response.status,
        queryError: response.headers.get('x-amzn-query-error'),
        body: await response.json(),
      }));
    try {
      const json = { 'content-type': 'application/x-amz-json-1.0' };
      expect(await post({ ...json, 'x-amz-target': 'AmazonSQS.NoSuchThing' })).toMatchObject({
        status: 400,
        body: { __type: 'com.amazon.coral.service#UnknownOperationException' },
      });
      const form = await post({
        'content-type': 'application/x-www-form-urlencoded',
        'x-amz-target': 'AmazonSQS.ListQueues',
      });
      expect(form.status).toBe(400);
      const attributes = await post(
        { ...json, 'x-amz-target': 'AmazonSQS.SendMessage' },
        JSON.stringify({
          QueueUrl: 'x',
          MessageBody: 'b',
          MessageAttributes: { a: { DataType: 'String', StringValue: 'v' } },
        }),
      );
      expect(attributes).toMatchObject({
        status: 400,
        queryError: 'InvalidParameterValue;Sender',
        body: { message: expect.stringContaining('message attributes are not supported') },
      });
    } finally {
      await t.close();
    }
  });
});
