/** Used when a caller's configuration names no deadline (tests that build a partial config). */
export const DEFAULT_AWS_REQUEST_TIMEOUT_MS = 3000;

/**
 * An AWS SDK client's options: the SDK's defaults when deployed, or a local endpoint (dynalite, the
 * `npm start` queue server) with placeholder keys. Either way each request attempt has a deadline: the
 * SDK sets none, so a DynamoDB or SQS call that never answers would hold the function until Lambda
 * kills it, instead of being retried (the SDK retries a timed-out attempt) or failing in time for the
 * caller to queue the work.
 */
export function clientOptions(
  endpoint: string | undefined,
  requestTimeoutMs: number = DEFAULT_AWS_REQUEST_TIMEOUT_MS,
) {
  // Without throwOnRequestTimeout the SDK's handler only logs a warning when the deadline passes and
  // goes on waiting: the attempt must end, so that the SDK's retry (or the caller) takes over.
  const requestHandler = {
    requestTimeout: requestTimeoutMs,
    connectionTimeout: requestTimeoutMs,
    throwOnRequestTimeout: true,
  };
  return endpoint
    ? {
        endpoint,
        region: process.env.AWS_REGION ?? 'ap-northeast-2',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        requestHandler,
      }
    : { requestHandler };
}
