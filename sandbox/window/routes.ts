import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { bare, content, fail } from '../envelope';
import type { Route } from '../router';
import type { SandboxState } from '../state';
import { parseInput } from '../validate';
import { koreanWebFont } from '../webFont';
import { finishWindow, openWindow } from './checkout';
import { payRequestSchema, windowModes, windowOutcomes } from './request';

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
    {
      method: 'POST',
      pattern: '/__sandbox/window/open',
      handler: ({ body }) => {
        const call = parseInput(openSchema, body);
        const request = parseInput(payRequestSchema, call.request);
        if (call.mode === 'redirect' && request.m_redirect_url === undefined) return noRedirectTarget;
        return bare(openWindow(state, request, call.mode));
      },
    },
    {
      method: 'POST',
      pattern: '/__sandbox/window/finish',
      handler: ({ body }) => {
        const call = parseInput(finishSchema, body);
        const request = parseInput(payRequestSchema, call.request);
        if (call.mode === 'redirect' && request.m_redirect_url === undefined) return noRedirectTarget;
        return bare(finishWindow(state, request, call.mode, call.outcome));
      },
    },
  ];
}

/**
 * The JS SDK at the paths of cdn.iamport.kr (`/v1/iamport.js`, and the older versioned file many
 * shops still load), so a page swaps the sandbox for Iamport by changing only the script's host.
 */
export function sdkRoutes(): Route[] {
  const sdk = asset('iamport.js');
  const handler = () => content(sdk, types.js);
  return [
    { method: 'GET', pattern: '/v1/iamport.js', handler },
    { method: 'GET', pattern: '/js/iamport.payment-1.2.0.js', handler },
  ];
}
