import {
  BatchEntryIdsNotDistinct,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  EmptyBatchRequest,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  InvalidAttributeName,
  InvalidMessageContents,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSServiceException,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5, rejection, startTestSqs, uniqueName } from './helpers';

let t: Awaited<ReturnType<typeof startTestSqs>>;
let url: string;
beforeAll(async () => {
  t = await startTestSqs();
  url = await t.server.createQueue(uniqueName());
});
afterAll(() => t.close());

describe('batch operations', () => {
  it('sends a batch with per-entry results and MD5s, and deletes a batch', async () => {
    const queueUrl = await t.server.createQueue(uniqueName());
    const sent = await t.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'a', MessageBody: 'first' },
          { Id: 'b', MessageBody: 'too late', DelaySeconds: 901 },
          { Id: 'c', MessageBody: 'second' },
        ],
      }),
    );
    expect(sent.Successful?.map((entry) => [entry.Id, entry.MD5OfMessageBody])).toEqual([
      ['a', md5('first')],
      ['c', md5('second')],
    ]);
    expect(sent.Failed).toEqual([
      {
        Id: 'b',
        SenderFault: true,
        Code: 'InvalidParameterValue',
        Message: expect.stringContaining('DelaySeconds'),
      },
    ]);

    const { Messages = [] } = await t.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    expect(Messages.map((message) => message.Body)).toEqual(['first', 'second']);
    const deleted = await t.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'ok', ReceiptHandle: Messages[0]?.ReceiptHandle },
          { Id: 'bad', ReceiptHandle: 'not-a-handle' },
        ],
      }),
    );
    expect(deleted.Successful).toEqual([{ Id: 'ok' }]);
    expect(deleted.Failed).toMatchObject([{ Id: 'bad', SenderFault: true, Code: 'ReceiptHandleIsInvalid' }]);
  });

  it('refuses malformed batches as a whole', async () => {
    const send = (Entries: { Id: string; MessageBody: string }[]) =>
      t.sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries }));
    expect(await rejection(send([]))).toBeInstanceOf(EmptyBatchRequest);
    const eleven = Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' }));
    expect(await rejection(send(eleven))).toBeInstanceOf(TooManyEntriesInBatchRequest);
    const twice = [
      { Id: 'same', MessageBody: 'x' },
      { Id: 'same', MessageBody: 'y' },
    ];
    expect(await rejection(send(twice))).toBeInstanceOf(BatchEntryIdsNotDistinct);
  });
});

describe('validation errors come back as typed SDK errors', () => {
  it('DelaySeconds 901', async () => {
    const error = await rejection(
      t.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', DelaySeconds: 901 })),
    );
    expect(error).toBeInstanceOf(SQSServiceException);
    expect(error).toMatchObject({
      name: 'InvalidParameterValue',
      message:
        'Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('MaxNumberOfMessages 11', async () => {
    const error = await rejection(
      t.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 })),
    );
    expect(error).toBeInstanceOf(SQSServiceException);
    expect(error).toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('between 1 and 10'),
    });
  });

  it('an unknown queue, by name and by URL', async () => {
    const byName = await rejection(t.sqs.send(new GetQueueUrlCommand({ QueueName: 'missing' })));
    expect(byName).toBeInstanceOf(QueueDoesNotExist);
    // The legacy query code stays reachable for code written against the XML protocol.
    expect(byName).toMatchObject({ Code: 'AWS.SimpleQueueService.NonExistentQueue', Type: 'Sender' });
    const byUrl = await rejection(
      t.sqs.send(
        new SendMessageCommand({ QueueUrl: `${t.server.endpoint}/000000000000/missing`, MessageBody: 'x' }),
      ),
    );
    expect(byUrl).toBeInstanceOf(QueueDoesNotExist);
  });

  it('characters SQS does not carry, unknown attributes, and a conflicting CreateQueue', async () => {
    const nul = t.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a\u0000b' }));
    expect(await rejection(nul)).toBeInstanceOf(InvalidMessageContents);
    const attribute = t.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Nope' as 'All'] }),
    );
    expect(await rejection(attribute)).toBeInstanceOf(InvalidAttributeName);

    const QueueName = uniqueName();
    await t.sqs.send(new CreateQueueCommand({ QueueName, Attributes: { VisibilityTimeout: '10' } }));
    // The same attributes again are fine (CreateQueue is idempotent); different ones are not.
    await t.sqs.send(new CreateQueueCommand({ QueueName, Attributes: { VisibilityTimeout: '10' } }));
    const conflict = t.sqs.send(
      new CreateQueueCommand({ QueueName, Attributes: { VisibilityTimeout: '20' } }),
    );
    expect(await rejection(conflict)).toBeInstanceOf(QueueNameExists);
    const noDlq = JSON.stringify({
      deadLetterTargetArn: 'arn:aws:sqs:ap-northeast-2:000000000000:nope',
      maxReceiveCount: 3,
    });
    const redrive = t.sqs.send(
      new CreateQueueCommand({ QueueName: uniqueName(), Attributes: { RedrivePolicy: noDlq } }),
    );
    expect(await rejection(redrive)).toMatchObject({ name: 'InvalidParameterValue' });
  });
});
