import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { bare, content, fail, type Reply } from '../envelope';
import type { Route } from '../router';
import type { SandboxState } from '../state';
import { parseInput } from '../validate';
import { koreanWebFont } from '../webFont';
import { finishWindow, openWindow } from './checkout';
import {
  payRequestSchema,
  type WindowMode,
  type WindowOutcome,
  windowModes,
  windowOutcomes,
} from './request';
import { finishWindowV2, openWindowV2 } from './v2Checkout';
import { v2PayRequestSchema } from './v2Request';

const asset = (name: string): string => readFileSync(new URL(`./public/${name}`, import.meta.url), 'utf8');

const types = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
} as const;

// `request` is checked on its own so that its errors name the request_pay field (`amount`), not `request.amount`.
const openSchema = z.strictObject({ request: z.unknown(), mode: z.enum(windowModes) });
const finishSchema = openSchema.extend({ outcome: z.enum(windowOutcomes) });

const noRedirectTarget = fail(
  400,
  -1,
  '파라미터 누락: m_redirect_url (리디렉트 방식 결제창에는 m_redirect_url이 필요합니다)',
);
const noV2RedirectTarget = fail(
  400,
  -1,
  '파라미터 누락: redirectUrl (리디렉트 방식 결제창에는 redirectUrl이 필요합니다)',
);

/** How the window's two calls read and answer one API's payment request. */
interface WindowApi<R> {
  schema: z.ZodType<R>;
  /** Where a redirect-mode window ends; the request must name it. */
  redirectTarget(request: R): string | undefined;
  noRedirectTarget: Reply;
  open(request: R, mode: WindowMode): unknown;
  finish(request: R, mode: WindowMode, outcome: WindowOutcome): unknown;
}

/** `{prefix}/open` and `{prefix}/finish`, the calls the window page makes for one API. */
function windowCalls<R>(prefix: string, api: WindowApi<R>): Route[] {
  // The outer call first, so its errors name `mode`/`outcome`; then the request, in its own API's terms.
  function read<S extends typeof openSchema>(body: unknown, schema: S) {
    const call: z.output<S> = parseInput(schema, body);
    const request = parseInput(api.schema, call.request);
    const missingTarget = call.mode === 'redirect' && api.redirectTarget(request) === undefined;
    return { call, request, missingTarget };
  }
  return [
    {
      method: 'POST',
      pattern: `${prefix}/open`,
      handler: ({ body }) => {
        const { call, request, missingTarget } = read(body, openSchema);
        return missingTarget ? api.noRedirectTarget : bare(api.open(request, call.mode));
      },
    },
    {
      method: 'POST',
      pattern: `${prefix}/finish`,
      handler: ({ body }) => {
        const { call, request, missingTarget } = read(body, finishSchema);
        return missingTarget ? api.noRedirectTarget : bare(api.finish(request, call.mode, call.outcome));
      },
    },
  ];
}

/**
 * The payment window (`/__sandbox/window`): a page a tester finishes as paid, failed, closed, vbank,
 * tampered or "network lost", and the two calls it makes. Control routes: never logged, never faulted.
 */
export function windowRoutes(state: SandboxState): Route[] {
  const page = asset('window.html');
  const script = asset('window.js');
  const style = asset('window.css');
  // window.css imports `fonts/noto-sans-kr.css`, which refers to `fonts/files/…`.
  const font = koreanWebFont('/__sandbox/window/fonts');
  const fontFile = ({ path }: { path: string }) => {
    const file = font.get(path);
    return file ? content(file.body, file.type) : fail(404, -1, `no such font file: ${path}`);
  };
  return [
    { method: 'GET', pattern: '/__sandbox/window', handler: () => content(page, types.html) },
    { method: 'GET', pattern: '/__sandbox/window/window.js', handler: () => content(script, types.js) },
    { method: 'GET', pattern: '/__sandbox/window/window.css', handler: () => content(style, types.css) },
    { method: 'GET', pattern: '/__sandbox/window/fonts/noto-sans-kr.css', handler: fontFile },
    { method: 'GET', pattern: '/__sandbox/window/fonts/files/:name', handler: fontFile },
    ...windowCalls('/__sandbox/window', {
      schema: payRequestSchema,
      redirectTarget: (request) => request.m_redirect_url,
      noRedirectTarget,
      open: (request, mode) => openWindow(state, request, mode),
      finish: (request, mode, outcome) => finishWindow(state, request, mode, outcome),
    }),
    ...windowCalls('/__sandbox/window/v2', {
      schema: v2PayRequestSchema,
      redirectTarget: (request) => request.redirectUrl,
      noRedirectTarget: noV2RedirectTarget,
      open: (request, mode) => openWindowV2(state, request, mode),
      finish: (request, mode, outcome) => finishWindowV2(state, request, mode, outcome),
    }),
  ];
}

/**
 * The JS SDKs at the paths of cdn.iamport.kr (`/v1/iamport.js`, and the older versioned file many
 * shops still load) and cdn.portone.io (`/v2/browser-sdk.js`), so a page swaps the sandbox for PortOne
 * by changing only the script's host.
 */
export function sdkRoutes(): Route[] {
  // Each SDK runs with the shared window layer (layer.js) inlined in one scope: no globals but its own.
  const layer = asset('layer.js');
  const sdk = (name: string): string => `(() => {\n${layer}\n${asset(name)}\n})();\n`;
  const v1 = sdk('iamport.js');
  const v2 = sdk('browser-sdk.js');
  const handler = () => content(v1, types.js);
  return [
    { method: 'GET', pattern: '/v1/iamport.js', handler },
    { method: 'GET', pattern: '/js/iamport.payment-1.2.0.js', handler },
    // cdn.portone.io's path: what `@portone/browser-sdk/v2` would inject, and what pages load directly.
    { method: 'GET', pattern: '/v2/browser-sdk.js', handler: () => content(v2, types.js) },
  ];
}
