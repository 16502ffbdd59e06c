/**
 * The orders table's stream and its consumer, in a child of their own (as on AWS, off the request's
 * process): the local change feed in front of the benchmark's dynalite, invoking the deployed delivery
 * handler module (`functions/deliverEvents/handler.ts`, configured by the environment as on Lambda),
 * which sends every event to the infra's recording receiver. The system under test writes through
 * the feed (its DYNAMODB_ENDPOINT).
 */
import { startChangeFeed } from '../../local/changeFeed';
import { serveChild } from './child';
import type { DeliveryApi, DeliveryInfo } from './delivery';

const target = process.env.BENCH_DYNAMODB_TARGET;
const table = process.env.ORDERS_TABLE;
if (!target || !table) throw new Error('BENCH_DYNAMODB_TARGET and ORDERS_TABLE are required');
const feed = await startChangeFeed({ target, tables: [table] });
// The handler module reads its configuration at import, as on Lambda: its DynamoDB is the feed too.
process.env.DYNAMODB_ENDPOINT = feed.endpoint;
const { handler } = await import('../../functions/deliverEvents/handler');
feed.start(handler);

const info: DeliveryInfo = { endpoint: feed.endpoint };
const api: DeliveryApi = {
  settled: async () => {
    await feed.settled();
    return { ...feed.stats };
  },
};
serveChild(api, info, () => feed.close());
