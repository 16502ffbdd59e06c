import { z } from 'zod';
import { errors } from './errors';
import { checkRange, parseInput } from './input';
import { longPoll } from './longPoll';
import type { LocalQueue, StoredMessage } from './queue';
import type { QueueRegistry } from './registry';

export interface OperationContext {
  registry: QueueRegistry;
  /** Fires when the client hangs up or the server closes: a long poll must let go. */
  signal: AbortSignal;
}
export type Operation = (input: unknown, context: OperationContext) => object | Promise<object>;

// Allowed: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF (lone surrogates are not).
const invalidCharacter = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const unsupportedMembers = z.object({
  // Lambda and this project pass none; rejecting beats silently dropping them and their MD5.
  MessageAttributes: z.undefined({ error: 'message attributes are not supported' }).optional(),
  MessageSystemAttributes: z.undefined({ error: 'message system attributes are not supported' }).optional(),
});

export const sendSchema = unsupportedMembers.extend({
  MessageBody: z.string(),
  DelaySeconds: z.number().int().optional(),
});

/** Checks one message like SQS does; shared by SendMessage and SendMessageBatch entries. */
export function checkSend(queue: LocalQueue, body: string, delaySeconds: number | undefined): void {
  if (body.length === 0) throw errors.missingParameter('MessageBody');
  if (invalidCharacter.test(body)) throw errors.invalidMessageContents();
  const size = Buffer.byteLength(body, 'utf8');
  if (size > queue.settings.maximumMessageSize) {
    throw errors.invalidParameterValue(
      `One or more parameters are invalid. Reason: Message must be shorter than ${queue.settings.maximumMessageSize} bytes.`,
    );
  }
  checkRange('DelaySeconds', delaySeconds, 0, 900);
}

const sendMessage: Operation = (input, { registry }) => {
  const request = parseInput(sendSchema.extend({ QueueUrl: z.string() }), input);
  const queue = registry.byUrl(request.QueueUrl);
  checkSend(queue, request.MessageBody, request.DelaySeconds);
  const message = queue.send(request.MessageBody, request.DelaySeconds);
  return { MessageId: message.id, MD5OfMessageBody: message.md5OfBody };
};

const receiveSchema = z.object({
  QueueUrl: z.string(),
  AttributeNames: z.array(z.string()).optional(),
  MessageSystemAttributeNames: z.array(z.string()).optional(),
  MessageAttributeNames: z.array(z.string()).optional(),
  MaxNumberOfMessages: z.number().int().optional(),
  VisibilityTimeout: z.number().int().optional(),
  WaitTimeSeconds: z.number().int().optional(),
});

/** Who "sent" every local message: there is no IAM principal on loopback. */
const localSenderId = 'AIDALOCALSQSSENDER000';

/** The system attributes a standard queue has; FIFO-only and tracing ones never apply here. */
function systemAttributes(message: StoredMessage, names: Set<string>): Record<string, string> | undefined {
  const all: Record<string, string | undefined> = {
    SenderId: localSenderId,
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
    DeadLetterQueueSourceArn: message.deadLetterSourceArn,
  };
  const picked = Object.entries(all).filter(
    (entry): entry is [string, string] => entry[1] !== undefined && (names.has('All') || names.has(entry[0])),
  );
  return picked.length > 0 ? Object.fromEntries(picked) : undefined;
}

const receiveMessage: Operation = async (input, { registry, signal }) => {
  const request = parseInput(receiveSchema, input);
  checkRange(
    'MaxNumberOfMessages',
    request.MaxNumberOfMessages,
    1,
    10,
    'Must be between 1 and 10, if provided.',
  );
  checkRange('VisibilityTimeout', request.VisibilityTimeout, 0, 43_200);
  checkRange('WaitTimeSeconds', request.WaitTimeSeconds, 0, 20);
  const queue = registry.byUrl(request.QueueUrl);
  const names = new Set([...(request.AttributeNames ?? []), ...(request.MessageSystemAttributeNames ?? [])]);
  const wait = request.WaitTimeSeconds ?? queue.settings.receiveWaitSeconds;
  const take = () => queue.receive(request.MaxNumberOfMessages ?? 1, request.VisibilityTimeout);
  const received = await longPoll(queue, take, wait, signal);
  // Real SQS omits `Messages` when there are none; the SDK then yields `Messages: undefined`.
  if (received.length === 0) return {};
  return {
    Messages: received.map((message) => ({
      MessageId: message.id,
      ReceiptHandle: message.receipt,
      MD5OfBody: message.md5OfBody,
      Body: message.body,
      Attributes: systemAttributes(message, names),
    })),
  };
};

const handleSchema = z.object({ QueueUrl: z.string(), ReceiptHandle: z.string() });

const deleteMessage: Operation = (input, { registry }) => {
  const request = parseInput(handleSchema, input);
  registry.byUrl(request.QueueUrl).delete(request.ReceiptHandle);
  return {};
};

const changeMessageVisibility: Operation = (input, { registry }) => {
  const request = parseInput(handleSchema.extend({ VisibilityTimeout: z.number().int() }), input);
  checkRange('VisibilityTimeout', request.VisibilityTimeout, 0, 43_200);
  registry.byUrl(request.QueueUrl).changeVisibility(request.ReceiptHandle, request.VisibilityTimeout);
  return {};
};

export const messageOperations: Record<string, Operation> = {
  SendMessage: sendMessage,
  ReceiveMessage: receiveMessage,
  DeleteMessage: deleteMessage,
  ChangeMessageVisibility: changeMessageVisibility,
};
