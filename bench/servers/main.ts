/**
 * The system under test, in its own process, served over node:http: either OUR deployed handler module
 * (`functions/<fn>/handler.ts`, configured by the environment exactly as on Lambda) or the guide-pattern
 * reference. Chosen by `BENCH_SUT` (`ours` | `reference`) and `BENCH_FUNCTION` (`complete` | `webhook`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { serveChild } from '../lib/child';
import { type LambdaHttpHandler, serveHandler } from '../lib/serveHandler';
import { createGuidePatternHandler } from '../reference/guidePattern';

async function loadHandler(): Promise<LambdaHttpHandler> {
  const sut = process.env.BENCH_SUT;
  const fn = process.env.BENCH_FUNCTION;
  if (sut === 'reference') {
    const env = (name: string) => {
      const value = process.env[name];
      if (!value) throw new Error(`${name} is required`);
      return value;
    };
    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: env('DYNAMODB_ENDPOINT'),
        region: 'ap-northeast-2',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    );
    const handler = createGuidePatternHandler({
      iamportBaseUrl: env('IAMPORT_BASE_URL'),
      apiKey: env('IAMPORT_API_KEY'),
      apiSecret: env('IAMPORT_API_SECRET'),
      doc,
      tableName: env('ORDERS_TABLE'),
    });
    return (event) => handler(event);
  }
  if (sut !== 'ours') throw new Error('BENCH_SUT must be ours or reference');
  if (fn === 'complete')
    return (await import('../../functions/complete/handler')).handler as LambdaHttpHandler;
  if (fn === 'webhook') return (await import('../../functions/webhook/handler')).handler as LambdaHttpHandler;
  throw new Error('BENCH_FUNCTION must be complete or webhook');
}

const { url, server } = await serveHandler(await loadHandler());
serveChild({}, { url }, async () => {
  server.closeAllConnections();
  server.close();
});
