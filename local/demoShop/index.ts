import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { demoV2StoreId } from '../../sandbox/v2/config';
import { loadAssets } from './assets';
import { createBackend, type ShopReply } from './backend';

/**
 * The demo shop `npm start` serves: a product page that pays with Iamport's guide code (V1, `/`) or with
 * PortOne's V2 sample code (`/v2`), the result page the redirects land on (the default
 * RESULT_PAGE_URL) and a live orders view. It runs on
 * its own origin, so the browser's POST to /payments/complete crosses origins as in production.
 */
export interface DemoShopOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 3400; 0 picks a free port */
  port?: number;
  /** The HTTP API (serverless-offline locally), no trailing slash. */
  apiUrl: string;
  /** The Iamport sandbox, no trailing slash: the SDK, and the deposit button of vbank orders. */
  sandboxUrl: string;
  /** @default `${sandboxUrl}/v1/iamport.js` */
  iamportScriptUrl?: string;
  /** `IMP.init`'s merchant code; the sandbox accepts any. @default 'imp00000000' */
  merchantCode?: string;
  /** @default `${sandboxUrl}/v2/browser-sdk.js` */
  portoneScriptUrl?: string;
  /** The V2 page's `storeId`: the sandbox's store. @default demoV2StoreId */
  portoneStoreId?: string;
  /** The V2 page's `channelKey`; the sandbox has one channel and takes any key. */
  portoneChannelKey?: string;
}

export interface DemoShopHandle {
  /** e.g. `http://127.0.0.1:3400`; also the origin to allow in ALLOWED_ORIGINS. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const optionsSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.int().min(0).max(65_535).default(3400),
  apiUrl: z.url({ protocol: /^https?$/ }),
  sandboxUrl: z.url({ protocol: /^https?$/ }),
  iamportScriptUrl: z.url({ protocol: /^https?$/ }).optional(),
  merchantCode: z.string().min(1).default('imp00000000'),
  portoneScriptUrl: z.url({ protocol: /^https?$/ }).optional(),
  portoneStoreId: z.string().min(1).default(demoV2StoreId),
  portoneChannelKey: z.string().min(1).default('channel-key-sandbox'),
});

const MAX_BODY_BYTES = 4096;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(buffer);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return value;
  } catch {
    return null;
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res
    .writeHead(status, {
      'content-type': type,
      'content-length': Buffer.byteLength(body),
      // Order states change by the second and pages are tiny: only the font's files (fixed by the
      // package's version, tens of KiB each) are worth keeping.
      'cache-control': type.startsWith('font/') ? 'public, max-age=86400' : 'no-store',
    })
    .end(body);
}

const sendJson = (res: ServerResponse, reply: ShopReply): void =>
  send(res, reply.status, 'application/json; charset=utf-8', JSON.stringify(reply.body));

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

const notFound: ShopReply = { status: 404, body: { error: { code: 'NOT_FOUND', message: 'no such page' } } };

export async function startDemoShop(options: DemoShopOptions): Promise<DemoShopHandle> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(
      `startDemoShop: invalid option ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
    );
  }
  const o = parsed.data;
  const assets = loadAssets({
    apiUrl: o.apiUrl,
    iamportScriptUrl: o.iamportScriptUrl ?? `${o.sandboxUrl}/v1/iamport.js`,
    merchantCode: o.merchantCode,
    portoneScriptUrl: o.portoneScriptUrl ?? `${o.sandboxUrl}/v2/browser-sdk.js`,
    portoneStoreId: o.portoneStoreId,
    portoneChannelKey: o.portoneChannelKey,
  });
  const backend = createBackend({ apiUrl: o.apiUrl, sandboxUrl: o.sandboxUrl });

  async function api(req: IncomingMessage, path: string): Promise<ShopReply> {
    const method = req.method ?? 'GET';
    if (path === '/api/product' && method === 'GET') return backend.product();
    if (path === '/api/item' && method === 'GET') return backend.item();
    if (path === '/api/orders' && method === 'GET') return backend.list();
    if (path === '/api/orders' && method === 'POST') return backend.register(await readJson(req));
    const match = /^\/api\/orders\/([^/]+)(\/deposit)?$/.exec(path);
    const uid = match?.[1] === undefined ? undefined : decode(match[1]);
    if (uid === undefined) return notFound;
    if (match?.[2] === undefined && method === 'GET') return backend.order(uid);
    if (match?.[2] !== undefined && method === 'POST') return backend.deposit(uid);
    return notFound;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://shop.invalid').pathname;
    if (path.startsWith('/api/')) {
      sendJson(res, await api(req, path));
      return;
    }
    const asset = req.method === 'GET' || req.method === 'HEAD' ? assets.get(path) : undefined;
    if (asset) send(res, 200, asset.type, asset.body);
    else if (path === '/favicon.ico') res.writeHead(204).end();
    else send(res, 404, 'text/plain; charset=utf-8', '페이지가 없습니다. (not found)');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('[demo shop]', error);
      if (!res.headersSent)
        sendJson(res, { status: 500, body: { error: { code: 'INTERNAL', message: 'shop error' } } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : o.port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
