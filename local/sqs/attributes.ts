import { z } from 'zod';
import { errors } from './errors';

export interface Redrive {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

export interface QueueSettings {
  visibilityTimeout: number;
  delaySeconds: number;
  receiveWaitSeconds: number;
  retentionSeconds: number;
  maximumMessageSize: number;
  redrive: Redrive | undefined;
}

/** SQS raised its payload limit from 256 KiB to 1 MiB (2025); the default follows. */
export const maxPayloadBytes = 1_048_576;

/** Numeric attributes: [min, max, default], as SQS documents them. */
const numeric = {
  VisibilityTimeout: [0, 43_200, 30],
  DelaySeconds: [0, 900, 0],
  ReceiveMessageWaitTimeSeconds: [0, 20, 0],
  MessageRetentionPeriod: [60, 1_209_600, 345_600],
  MaximumMessageSize: [1024, maxPayloadBytes, maxPayloadBytes],
} as const;
type NumericName = keyof typeof numeric;
const isNumeric = (name: string): name is NumericName => Object.hasOwn(numeric, name);

/** Real attributes that mean nothing on loopback: kept and echoed so templates work unchanged. */
const inert = new Set(['Policy', 'KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'SqsManagedSseEnabled']);

const redriveSchema = z.object({
  deadLetterTargetArn: z.string().min(1),
  // The console and CloudFormation write it as a string, the docs as a number; SQS takes both.
  maxReceiveCount: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
});

function parseRedrive(value: string, deadLetterExists: (arn: string) => boolean): Redrive {
  const invalid = (reason: string) => errors.outOfRange('RedrivePolicy', value, reason);
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw invalid('Redrive policy is not a valid JSON map.');
  }
  const parsed = redriveSchema.safeParse(json);
  if (!parsed.success) throw invalid('Redrive policy needs deadLetterTargetArn and maxReceiveCount.');
  const { deadLetterTargetArn, maxReceiveCount } = parsed.data;
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1 || maxReceiveCount > 1000) {
    throw invalid('Invalid value for maxReceiveCount: must be an integer from 1 to 1000.');
  }
  if (!deadLetterExists(deadLetterTargetArn)) throw invalid('Dead letter target does not exist.');
  return { deadLetterTargetArn, maxReceiveCount };
}

/**
 * Validates CreateQueue attributes. Returns the effective settings and the attributes to echo from
 * GetQueueAttributes (normalized the way SQS echoes them: RedrivePolicy with a numeric count).
 */
export function parseQueueAttributes(
  raw: Record<string, string>,
  deadLetterExists: (arn: string) => boolean,
): { settings: QueueSettings; attributes: Record<string, string> } {
  const attributes: Record<string, string> = {};
  const value = (name: NumericName): number => {
    const [min, max, fallback] = numeric[name];
    const given = raw[name];
    if (given === undefined) return fallback;
    const number = Number(given);
    if (!/^\d+$/.test(given) || number < min || number > max) throw errors.invalidAttributeValue(name);
    return number;
  };
  for (const [name, given] of Object.entries(raw)) {
    if (name === 'FifoQueue' || name === 'ContentBasedDeduplication') {
      throw errors.unsupported('FIFO queues are not supported');
    }
    if (!isNumeric(name) && !inert.has(name) && name !== 'RedrivePolicy')
      throw errors.invalidAttributeName(name);
    if (name !== 'RedrivePolicy') attributes[name] = given;
  }
  const settings: QueueSettings = {
    visibilityTimeout: value('VisibilityTimeout'),
    delaySeconds: value('DelaySeconds'),
    receiveWaitSeconds: value('ReceiveMessageWaitTimeSeconds'),
    retentionSeconds: value('MessageRetentionPeriod'),
    maximumMessageSize: value('MaximumMessageSize'),
    redrive: raw.RedrivePolicy === undefined ? undefined : parseRedrive(raw.RedrivePolicy, deadLetterExists),
  };
  for (const name of Object.keys(numeric) as NumericName[]) attributes[name] = String(value(name));
  if (settings.redrive) attributes.RedrivePolicy = JSON.stringify(settings.redrive);
  return { settings, attributes };
}
