import { z } from 'zod';
import { errors } from './errors';
import { parseInput } from './input';
import type { Operation } from './messageOperations';
import type { LocalQueue } from './queue';

const createQueue: Operation = (input, { registry }) => {
  const request = parseInput(
    z.object({ QueueName: z.string(), Attributes: z.record(z.string(), z.string()).optional() }),
    input,
  );
  return { QueueUrl: registry.create(request.QueueName, request.Attributes).url };
};

const getQueueUrl: Operation = (input, { registry }) => {
  const request = parseInput(z.object({ QueueName: z.string() }), input);
  return { QueueUrl: registry.byName(request.QueueName).url };
};

/** Every name SQS knows; the ones a local queue has no value for are left out rather than refused. */
const knownNames = new Set([
  'Policy',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
]);

/** Attributes computed on each call, on top of the ones the queue was created with. */
function liveAttributes(queue: LocalQueue): Record<string, string> {
  const counts = queue.counts();
  const createdSeconds = String(Math.floor(queue.createdAt / 1000));
  return {
    ...queue.attributes,
    QueueArn: queue.arn,
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    CreatedTimestamp: createdSeconds,
    LastModifiedTimestamp: createdSeconds,
  };
}

const getQueueAttributes: Operation = (input, { registry }) => {
  const request = parseInput(
    z.object({ QueueUrl: z.string(), AttributeNames: z.array(z.string()).optional() }),
    input,
  );
  const queue = registry.byUrl(request.QueueUrl);
  const all = liveAttributes(queue);
  const names = request.AttributeNames ?? [];
  if (names.includes('All')) return { Attributes: all };
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = all[name];
    if (value !== undefined) picked[name] = value;
    else if (!knownNames.has(name)) throw errors.invalidAttributeName(name);
  }
  // Like SQS, no names asked means no attributes returned.
  return names.length > 0 ? { Attributes: picked } : {};
};

const purgeQueue: Operation = (input, { registry }) => {
  // No 60-second PurgeQueueInProgress limit: local tests purge between cases.
  registry.byUrl(parseInput(z.object({ QueueUrl: z.string() }), input).QueueUrl).purge();
  return {};
};

export const queueOperations: Record<string, Operation> = {
  CreateQueue: createQueue,
  GetQueueUrl: getQueueUrl,
  GetQueueAttributes: getQueueAttributes,
  PurgeQueue: purgeQueue,
};
