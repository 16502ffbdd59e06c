import { once } from 'node:events';
import { createServer, type Server } from 'node:net';

async function listenOnAnyPort(host: string): Promise<{ server: Server; port: number }> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

/**
 * `count` distinct ports free right now on `host` (the OS picks them; they are released before
 * returning). All are held until every one is picked, so the OS cannot hand the same port out twice
 * (one after another, a just-released port is often the next one given).
 */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const held = [];
  try {
    for (let i = 0; i < count; i++) held.push(await listenOnAnyPort(host));
    return held.map(({ port }) => port);
  } finally {
    await Promise.all(held.map(({ server }) => new Promise((resolve) => server.close(resolve))));
  }
}

/** A port free right now on `host`, for a child process that must be told its port. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const [port] = await freePorts(1, host);
  if (port === undefined) throw new Error('no port from the OS');
  return port;
}
