/**
 * SQS errors as the JSON protocol carries them. client-sqs is "awsQueryCompatible": it reads the error
 * code from the `x-amzn-query-error` header first (`<legacy query code>;Sender`) and maps it back to
 * the modeled class through each shape's awsQueryError trait, so both the header and `__type` must be
 * right for `instanceof QueueDoesNotExist` (and the legacy `error.Code`) to work.
 */
export class SqsError extends Error {
  constructor(
    /** The Smithy shape name; `__type` is `com.amazonaws.sqs#<shape>`. */
    readonly shape: string,
    /** The query-protocol code the SDK maps back to a class (AWS.SimpleQueueService.* for some). */
    readonly queryCode: string,
    message: string,
    readonly status = 400,
    readonly fault: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
    this.name = shape;
  }
}

const sqs = (shape: string, queryCode: string, message: string, status = 400): SqsError =>
  new SqsError(shape, queryCode, message, status);

/** Errors SQS has no modeled shape for surface in the SDK as SQSServiceException named by the code. */
const plain = (code: string, message: string): SqsError => sqs(code, code, message);

export const errors = {
  queueDoesNotExist: () =>
    sqs(
      'QueueDoesNotExist',
      'AWS.SimpleQueueService.NonExistentQueue',
      'The specified queue does not exist.',
    ),
  queueNameExists: (name: string) =>
    sqs(
      'QueueNameExists',
      'QueueAlreadyExists',
      `A queue already exists with the same name (${name}) and a different value for an attribute.`,
    ),
  invalidAddress: (url: string) =>
    sqs('InvalidAddress', 'InvalidAddress', `The address ${url} is not valid for this endpoint.`, 404),
  invalidParameterValue: (message: string) => plain('InvalidParameterValue', message),
  /** The wording real SQS uses for out-of-range numbers, e.g. DelaySeconds 901. */
  outOfRange: (name: string, value: unknown, reason: string) =>
    plain(
      'InvalidParameterValue',
      `Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason}`,
    ),
  missingParameter: (name: string) =>
    plain('MissingParameter', `The request must contain the parameter ${name}.`),
  invalidAttributeName: (name: string) =>
    sqs('InvalidAttributeName', 'InvalidAttributeName', `Unknown Attribute ${name}.`),
  invalidAttributeValue: (name: string) =>
    sqs('InvalidAttributeValue', 'InvalidAttributeValue', `Invalid value for the parameter ${name}.`),
  invalidMessageContents: () =>
    sqs(
      'InvalidMessageContents',
      'InvalidMessageContents',
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    ),
  receiptHandleIsInvalid: (handle: string) =>
    sqs(
      'ReceiptHandleIsInvalid',
      'ReceiptHandleIsInvalid',
      `The input receipt handle "${handle}" is not a valid receipt handle.`,
      404,
    ),
  messageNotInflight: () =>
    sqs('MessageNotInflight', 'AWS.SimpleQueueService.MessageNotInflight', 'The message is not in flight.'),
  emptyBatchRequest: () =>
    sqs(
      'EmptyBatchRequest',
      'AWS.SimpleQueueService.EmptyBatchRequest',
      'There should be at least one entry in the request.',
    ),
  tooManyEntries: (count: number) =>
    sqs(
      'TooManyEntriesInBatchRequest',
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are 10. You have sent ${count}.`,
    ),
  batchEntryIdsNotDistinct: (id: string) =>
    sqs('BatchEntryIdsNotDistinct', 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', `Id ${id} repeated.`),
  invalidBatchEntryId: () =>
    sqs(
      'InvalidBatchEntryId',
      'AWS.SimpleQueueService.InvalidBatchEntryId',
      'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
    ),
  batchRequestTooLong: (limit: number) =>
    sqs(
      'BatchRequestTooLong',
      'AWS.SimpleQueueService.BatchRequestTooLong',
      `Batch requests cannot be longer than ${limit} bytes.`,
    ),
  unsupported: (what: string) =>
    sqs('UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', `${what} (local SQS).`),
};

/** The JSON-protocol wire form of an error: status, headers and body. */
export function errorResponse(error: SqsError): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  const namespace =
    error.shape === 'UnknownOperationException' ? 'com.amazon.coral.service' : 'com.amazonaws.sqs';
  return {
    status: error.status,
    headers: { 'x-amzn-query-error': `${error.queryCode};${error.fault}` },
    body: JSON.stringify({ __type: `${namespace}#${error.shape}`, message: error.message }),
  };
}
