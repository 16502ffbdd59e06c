import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  MessageNotInflight,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counts, md5, rejection, startTestSqs, uniqueName } from './helpers';

let t: Awaited<ReturnType<typeof startTestSqs>>;
beforeAll(async () => {
  t = await startTestSqs();
});
afterAll(() => t.close());

const receive = (
  QueueUrl: string,
  extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {},
) =>
  t.sqs
    .send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['All'], ...extra }))
    .then((output) => output.Messages ?? []);

async function queue(attributes?: Record<string, string>): Promise<string> {
  const { QueueUrl } = await t.sqs.send(
    new CreateQueueCommand({ QueueName: uniqueName(), Attributes: attributes }),
  );
  if (!QueueUrl) throw new Error('no QueueUrl');
  return QueueUrl;
}

describe('local SQS through @aws-sdk/client-sqs', () => {
  it('round-trips a message with MD5s the client validates, then deletes it', async () => {
    const name = uniqueName();
    const url = await t.server.createQueue(name);
    expect(url).toBe(`${t.server.endpoint}/000000000000/${name}`);
    expect((await t.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl).toBe(url);

    const body = JSON.stringify({ merchant_uid: '주문-1', note: 'multi-byte 🌏 "quoted"' });
    const sent = await t.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    expect(sent.MD5OfMessageBody).toBe(md5(body));
    expect(sent.$metadata.requestId).toBeTruthy();

    const [message] = await receive(url);
    expect(message).toMatchObject({ MessageId: sent.MessageId, Body: body, MD5OfBody: md5(body) });
    expect(message?.Attributes).toMatchObject({
      ApproximateReceiveCount: '1',
      SentTimestamp: String(t.clock.now()),
      ApproximateFirstReceiveTimestamp: String(t.clock.now()),
      SenderId: expect.any(String),
    });
    await t.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message?.ReceiptHandle }));
    expect(await counts(t.sqs, url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    // An empty receive has no Messages member at all, like SQS's JSON protocol.
    expect((await t.sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();
  });

  it('hides a delayed message until it is due (message and queue delays)', async () => {
    const url = await queue({ DelaySeconds: '5' });
    await t.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 60 }));
    await t.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'queue default' }));
    expect(await counts(t.sqs, url)).toEqual({ visible: 0, inFlight: 0, delayed: 2 });
    expect(await receive(url, { MaxNumberOfMessages: 10 })).toEqual([]);
    t.clock.advance(5);
    const [due] = await receive(url, { MaxNumberOfMessages: 10 });
    expect(due?.Body).toBe('queue default');
    await t.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: due?.ReceiptHandle }));
    t.clock.advance(54);
    expect(await receive(url)).toEqual([]);
    t.clock.advance(1);
    expect((await receive(url)).map((m) => m.Body)).toEqual(['later']);
  });

  it('redelivers after the visibility timeout with a new handle; the stale handle deletes nothing', async () => {
    const url = await queue({ VisibilityTimeout: '30' });
    await t.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'work' }));
    const firstReceivedAt = t.clock.now();
    const [first] = await receive(url);
    expect(await receive(url)).toEqual([]);
    expect(await counts(t.sqs, url)).toEqual({ visible: 0, inFlight: 1, delayed: 0 });

    t.clock.advance(30);
    const [second] = await receive(url);
    expect(second?.MessageId).toBe(first?.MessageId);
    expect(second?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
    expect(second?.Attributes).toMatchObject({
      ApproximateReceiveCount: '2',
      ApproximateFirstReceiveTimestamp: String(firstReceivedAt),
    });

    // SQS accepts a superseded handle but keeps the message.
    await t.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first?.ReceiptHandle }));
    expect(await counts(t.sqs, url)).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    await t.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second?.ReceiptHandle }));
    expect(await counts(t.sqs, url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('takes a per-receive VisibilityTimeout and ChangeMessageVisibility', async () => {
    const url = await queue({ VisibilityTimeout: '30' });
    await t.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'v' }));
    const [first] = await receive(url, { VisibilityTimeout: 5 });
    t.clock.advance(5);
    const [second] = await receive(url);
    const change = (ReceiptHandle: string | undefined, VisibilityTimeout: number) =>
      t.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle, VisibilityTimeout }));

    await change(second?.ReceiptHandle, 120);
    t.clock.advance(119);
    expect(await receive(url)).toEqual([]);
    await change(second?.ReceiptHandle, 0);
    const [third] = await receive(url);
    expect(third?.Attributes?.ApproximateReceiveCount).toBe('3');

    // A stale handle, and a message no longer in flight, are refused as SQS does.
    expect(await rejection(change(first?.ReceiptHandle, 10))).toMatchObject({
      name: 'InvalidParameterValue',
    });
    await change(third?.ReceiptHandle, 0);
    expect(await rejection(change(third?.ReceiptHandle, 10))).toBeInstanceOf(MessageNotInflight);
  });

  it('moves a message received more than maxReceiveCount times to the dead-letter queue', async () => {
    const dlq = await queue();
    const { Attributes: dlqAttributes } = await t.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }),
    );
    const redrive = JSON.stringify({ deadLetterTargetArn: dlqAttributes?.QueueArn, maxReceiveCount: '2' });
    const url = await queue({ VisibilityTimeout: '10', RedrivePolicy: redrive });
    const { MessageId } = await t.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
    const sentAt = t.clock.now();

    for (const count of ['1', '2']) {
      const [message] = await receive(url);
      expect(message?.Attributes?.ApproximateReceiveCount).toBe(count);
      t.clock.advance(10);
    }
    expect(await receive(url)).toEqual([]);
    expect(await counts(t.sqs, url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });

    const [dead] = await receive(dlq);
    const { Attributes } = await t.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );
    expect(dead).toMatchObject({ MessageId, Body: 'poison' });
    expect(dead?.Attributes).toMatchObject({
      SentTimestamp: String(sentAt),
      DeadLetterQueueSourceArn: Attributes?.QueueArn,
    });
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: dlqAttributes?.QueueArn,
      maxReceiveCount: 2,
    });
  });

  it('long polling returns as soon as a message is sent, or when the clock makes one due', async () => {
    const url = await queue();
    const started = performance.now();
    const polling = receive(url, { WaitTimeSeconds: 10 });
    setTimeout(() => void t.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'now' })), 100);
    const [now] = await polling;
    expect(now?.Body).toBe('now');
    await t.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: now?.ReceiptHandle }));
    expect(performance.now() - started).toBeLessThan(2000);

    await t.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'delayed', DelaySeconds: 30 }));
    const waiting = receive(url, { WaitTimeSeconds: 10 });
    setTimeout(() => t.clock.advance(30), 100);
    expect((await waiting).map((m) => m.Body)).toEqual(['delayed']);
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it('ends an empty long poll at WaitTimeSeconds', async () => {
    const url = await queue();
    const started = performance.now();
    expect(await receive(url, { WaitTimeSeconds: 1 })).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('purges a queue', async () => {
    const url = await queue();
    await t.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a' }));
    await t.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b', DelaySeconds: 10 }));
    await t.sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect(await counts(t.sqs, url)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });
});
