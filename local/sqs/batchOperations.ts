import { z } from 'zod';
import { maxPayloadBytes } from './attributes';
import { errors, SqsError } from './errors';
import { parseInput } from './input';
import { checkSend, type Operation, sendSchema } from './messageOperations';

const entryId = /^[A-Za-z0-9_-]{1,80}$/;

/** The request-level checks SQS makes before looking at any entry. */
function checkEntries(entries: readonly { Id: string }[]): void {
  if (entries.length === 0) throw errors.emptyBatchRequest();
  if (entries.length > 10) throw errors.tooManyEntries(entries.length);
  const seen = new Set<string>();
  for (const { Id } of entries) {
    if (!entryId.test(Id)) throw errors.invalidBatchEntryId();
    if (seen.has(Id)) throw errors.batchEntryIdsNotDistinct(Id);
    seen.add(Id);
  }
}

interface BatchResult<T> {
  Successful: T[];
  Failed: { Id: string; SenderFault: boolean; Code: string; Message: string }[];
}

/** Runs each entry on its own: one bad entry fails alone, as a Failed item, not the whole call. */
function eachEntry<E extends { Id: string }, T>(entries: readonly E[], run: (entry: E) => T): BatchResult<T> {
  const result: BatchResult<T> = { Successful: [], Failed: [] };
  for (const entry of entries) {
    try {
      result.Successful.push(run(entry));
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      result.Failed.push({ Id: entry.Id, SenderFault: true, Code: error.shape, Message: error.message });
    }
  }
  return result;
}

const sendBatchSchema = z.object({
  QueueUrl: z.string(),
  Entries: z.array(sendSchema.extend({ Id: z.string() })).default([]),
});

const sendMessageBatch: Operation = (input, { registry }) => {
  const request = parseInput(sendBatchSchema, input);
  checkEntries(request.Entries);
  const total = request.Entries.reduce((sum, entry) => sum + Buffer.byteLength(entry.MessageBody, 'utf8'), 0);
  if (total > maxPayloadBytes) throw errors.batchRequestTooLong(maxPayloadBytes);
  const queue = registry.byUrl(request.QueueUrl);
  return eachEntry(request.Entries, (entry) => {
    checkSend(queue, entry.MessageBody, entry.DelaySeconds);
    const message = queue.send(entry.MessageBody, entry.DelaySeconds);
    return { Id: entry.Id, MessageId: message.id, MD5OfMessageBody: message.md5OfBody };
  });
};

const deleteBatchSchema = z.object({
  QueueUrl: z.string(),
  Entries: z.array(z.object({ Id: z.string(), ReceiptHandle: z.string() })).default([]),
});

const deleteMessageBatch: Operation = (input, { registry }) => {
  const request = parseInput(deleteBatchSchema, input);
  checkEntries(request.Entries);
  const queue = registry.byUrl(request.QueueUrl);
  return eachEntry(request.Entries, (entry) => {
    queue.delete(entry.ReceiptHandle);
    return { Id: entry.Id };
  });
};

export const batchOperations: Record<string, Operation> = {
  SendMessageBatch: sendMessageBatch,
  DeleteMessageBatch: deleteMessageBatch,
};
