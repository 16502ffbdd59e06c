/**
 * The orders table's stream consumer, in a child of its own (as on AWS, off the request's process):
 * the deployed delivery handler module (`functions/deliverEvents/handler.ts`, configured by the
 * environment as on Lambda) behind Lambda's invoke API. The stream (in the infra's dynalite) invokes
 * it with each batch; it sends every event to the infra's recording receiver.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handler } from '../../functions/deliverEvents/handler';
import { invocationsPath } from '../../local/lambdaInvoke';
import { serveChild } from './child';
import { DELIVERY_FUNCTION, type DeliveryInfo } from './delivery';

const path = invocationsPath(DELIVERY_FUNCTION);
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    if (req.method !== 'POST' || req.url !== path) {
      res.writeHead(404).end();
      return;
    }
    handler(JSON.parse(Buffer.concat(chunks).toString('utf8')))
      .then((answer) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)),
      )
      .catch((error: unknown) =>
        res
          .writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' })
          .end(JSON.stringify({ errorMessage: error instanceof Error ? error.message : String(error) })),
      );
  });
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');

const info: DeliveryInfo = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
serveChild({}, info, async () => {
  server.closeAllConnections();
  server.close();
});
