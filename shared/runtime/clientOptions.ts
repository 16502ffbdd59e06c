/**
 * An AWS SDK client's options: the SDK's defaults when deployed, or a local endpoint (dynalite, the
 * `npm start` queue server) with placeholder keys.
 */
export function clientOptions(endpoint: string | undefined) {
  return endpoint
    ? {
        endpoint,
        region: process.env.AWS_REGION ?? 'ap-northeast-2',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }
    : {};
}
