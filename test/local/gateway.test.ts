import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createConcurrencyGate, GateRefusedError } from '../../local/gateway/gate';
import { gatedRoutesOf, routeMatcher } from '../../local/gateway/routes';
import { type GatewayHandle, startGateway } from '../../local/gateway/server';

/** A promise and the function that resolves it. */
function deferred<T = void>() {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('local gateway: the concurrency gate', () => {
  it('runs at most `limit` tasks at once and starts the waiting ones in arrival order', async () => {
    const gate = createConcurrencyGate({ limit: 2, maxWaitMs: 5_000, maxQueue: 10 });
    const releases = Array.from({ length: 5 }, () => deferred());
    const started: number[] = [];
    const runs = releases.map((release, i) =>
      gate.run(async () => {
        started.push(i);
        await release.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(gate.stats()).toMatchObject({ running: 2, waiting: 3 });
    releases[1]?.resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    for (const release of releases) release.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(gate.stats()).toMatchObject({ running: 0, waiting: 0, peakRunning: 2, peakWaiting: 3 });
  });

  it('refuses at once past maxQueue, and after maxWaitMs when no slot frees', async () => {
    const gate = createConcurrencyGate({ limit: 1, maxWaitMs: 50, maxQueue: 1 });
    const hold = deferred();
    const running = gate.run(() => hold.promise);
    const waiting = gate.run(async () => 'late');
    await expect(gate.run(async () => 'third')).rejects.toEqual(new GateRefusedError('queue_full'));
    await expect(waiting).rejects.toEqual(new GateRefusedError('wait_timeout'));
    hold.resolve();
    await running;
    // The slot is free again; a refused waiter never ran.
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
    expect(gate.stats().refused).toEqual({ queue_full: 1, wait_timeout: 1 });
  });

  it('frees the slot of a task that fails', async () => {
    const gate = createConcurrencyGate({ limit: 1, maxWaitMs: 1_000, maxQueue: 5 });
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(async () => 1)).resolves.toBe(1);
  });
});

describe('local gateway: routes from serverless.yml', () => {
  const config = {
    functions: {
      webhook: { events: [{ httpApi: { method: 'POST', path: '/payments/webhook' } }] },
      getOrder: { events: [{ httpApi: { method: 'GET', path: '/orders/{merchant_uid}' } }] },
      proxy: { reservedConcurrency: 2, events: [{ httpApi: 'ANY /files/{path+}' }] },
      sweeper: { reservedConcurrency: 1, events: [{ schedule: 'rate(1 minute)' }] },
    },
  };

  it('takes every httpApi event, with reservedConcurrency as the limit where set', () => {
    expect(gatedRoutesOf(config, 4)).toEqual([
      { method: 'POST', path: '/payments/webhook', functionName: 'webhook', limit: 4 },
      { method: 'GET', path: '/orders/{merchant_uid}', functionName: 'getOrder', limit: 4 },
      { method: 'ANY', path: '/files/{path+}', functionName: 'proxy', limit: 2 },
    ]);
  });

  it('matches path parameters as one segment, greedy ones as the rest', () => {
    const match = routeMatcher(gatedRoutesOf(config, 4));
    expect(match('GET', '/orders/order_1')?.functionName).toBe('getOrder');
    expect(match('GET', '/orders/a/b')).toBeUndefined();
    expect(match('POST', '/orders/order_1')).toBeUndefined();
    expect(match('DELETE', '/files/a/b.txt')?.functionName).toBe('proxy');
    expect(match('POST', '/payments/webhook')?.functionName).toBe('webhook');
    expect(match('POST', '/payments/webhookX')).toBeUndefined();
  });
});

describe('local gateway: in front of an HTTP server', () => {
  let upstream: Server | undefined;
  let gateway: GatewayHandle | undefined;
  afterEach(async () => {
    await gateway?.close();
    await new Promise((resolve) => (upstream ? upstream.close(resolve) : resolve(undefined)));
  });

  async function start(handler: (req: IncomingMessage, res: ServerResponse) => void, maxWaitMs = 5_000) {
    upstream = createServer(handler);
    await new Promise<void>((resolve) => upstream?.listen(0, '127.0.0.1', resolve));
    const address = upstream.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    gateway = await startGateway({
      host: '127.0.0.1',
      port: 0,
      upstream: `http://127.0.0.1:${port}`,
      routes: [
        { method: 'POST', path: '/payments/webhook', functionName: 'webhook', limit: 2 },
        { method: 'GET', path: '/payments/complete/mobile', functionName: 'mobile', limit: 1 },
      ],
      maxWaitMs,
      maxQueue: 100,
    });
    return gateway;
  }

  it('forwards method, path, query, headers and body, and the answer as it comes (a redirect unfollowed)', async () => {
    const seen: { method?: string; url?: string; type?: string; origin?: string; body: string }[] = [];
    const api = await start((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          type: req.headers['content-type'],
          origin: req.headers.origin,
          body,
        });
        if (req.method === 'GET')
          res.writeHead(302, { location: 'http://shop.example/result?status=paid' }).end();
        else
          res.writeHead(200, { 'content-type': 'application/json', 'x-from': 'upstream' }).end('{"ok":true}');
      });
    });
    const posted = await fetch(`${api.url}/payments/webhook?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://shop.example' },
      body: 'imp_uid=imp_1+2&status=paid',
    });
    expect(posted.status).toBe(200);
    expect(posted.headers.get('x-from')).toBe('upstream');
    expect(await posted.text()).toBe('{"ok":true}');
    const redirected = await fetch(`${api.url}/payments/complete/mobile?imp_uid=a%2Bb`, {
      redirect: 'manual',
    });
    expect(redirected.status).toBe(302);
    expect(redirected.headers.get('location')).toBe('http://shop.example/result?status=paid');
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/payments/webhook?x=1',
        type: 'application/x-www-form-urlencoded',
        origin: 'http://shop.example',
        body: 'imp_uid=imp_1+2&status=paid',
      },
      {
        method: 'GET',
        url: '/payments/complete/mobile?imp_uid=a%2Bb',
        type: undefined,
        origin: undefined,
        body: '',
      },
    ]);
  });

  it('holds a function to its limit: the rest wait, and every request is answered', async () => {
    let running = 0;
    let peak = 0;
    const api = await start((req, res) => {
      running += 1;
      peak = Math.max(peak, running);
      req.resume();
      setTimeout(() => {
        running -= 1;
        res.writeHead(200).end('ok');
      }, 30);
    });
    const calls = Array.from({ length: 12 }, () =>
      fetch(`${api.url}/payments/webhook`, { method: 'POST', body: '{}' }).then((r) => r.status),
    );
    expect(await Promise.all(calls)).toEqual(Array(12).fill(200));
    expect(peak).toBe(2);
    expect(api.stats().webhook).toMatchObject({ peakRunning: 2, running: 0, waiting: 0 });
  });

  it('answers 503 as API Gateway does when no slot frees in time, never hangs', async () => {
    const release = deferred();
    const api = await start((req, res) => {
      req.resume();
      void release.promise.then(() => res.writeHead(200).end('late'));
    }, 100);
    const first = fetch(`${api.url}/payments/complete/mobile`, { redirect: 'manual' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await fetch(`${api.url}/payments/complete/mobile`, { redirect: 'manual' });
    expect(second.status).toBe(503);
    expect(await second.json()).toEqual({ message: 'Service Unavailable' });
    release.resolve();
    expect((await first).status).toBe(200);
  });

  it('answers 502 when serverless-offline is not there, and passes undeclared routes through', async () => {
    const api = await start((req, res) => {
      req.resume();
      res.writeHead(404).end('no route');
    });
    const unknown = await fetch(`${api.url}/nope`);
    expect(unknown.status).toBe(404);
    await new Promise((resolve) => (upstream ? upstream.close(resolve) : resolve(undefined)));
    upstream?.closeAllConnections();
    upstream = undefined;
    const down = await fetch(`${api.url}/payments/webhook`, { method: 'POST', body: '{}' });
    expect(down.status).toBe(502);
  });
});
