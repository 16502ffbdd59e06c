/**
 * The orders table's stream consumer, in a child of its own (as on AWS, off the request's process):
 * the deployed delivery handler module (`functions/deliverEvents/handler.ts`, configured by the
 * environment as on Lambda) behind Lambda's invoke API. The stream (in the infra's dynalite) invokes
 * it with each batch; it sends every event to the infra's recording receiver.
 */
import { handler } from '../../functions/deliverEvents/handler';
import { invocationsPath } from '../../local/lambdaInvoke';
import { serveChild } from './child';
import { DELIVERY_FUNCTION, type DeliveryInfo } from './delivery';
import { serveInvocations } from './serveHandler';

const { url, server } = await serveInvocations(invocationsPath(DELIVERY_FUNCTION), handler);

const info: DeliveryInfo = { url };
serveChild({}, info, async () => {
  server.closeAllConnections();
  server.close();
});
