import { once } from 'node:events';
import { createServer, type Server } from 'node:net';

async function listenOnAnyPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

/** A port free right now on loopback (the OS picks it; it is released before returning). */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port ?? 0;
}

/**
 * `count` distinct free ports: all are held until every one is picked, so the OS cannot hand the same
 * port out twice (one after another, a just-released port is often the next one given).
 */
export async function freePorts(count: number): Promise<number[]> {
  const held = [];
  try {
    for (let i = 0; i < count; i++) held.push(await listenOnAnyPort());
    return held.map(({ port }) => port);
  } finally {
    await Promise.all(held.map(({ server }) => new Promise((resolve) => server.close(resolve))));
  }
}
