import type { IncomingHttpHeaders } from 'node:http';
import type { Reply } from './envelope';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteRequest {
  method: string;
  path: string;
  /** Path parameters, already percent-decoded. */
  params: Record<string, string>;
  /** Query string, with PHP-style bracket keys expanded. */
  query: Record<string, unknown>;
  /** Decoded JSON or form body; `{}` when empty. */
  body: unknown;
  headers: IncomingHttpHeaders;
}

export type RouteHandler = (request: RouteRequest) => Reply | Promise<Reply>;

export interface Route {
  method: Method;
  /** `/payments/:imp_uid`; a `:name` segment matches one non-empty path segment. */
  pattern: string;
  handler: RouteHandler;
  /** Reachable without an access token (only getToken). */
  public?: boolean;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

const split = (path: string): string[] => path.split('/').filter((segment, i) => i > 0 || segment !== '');

/** First match wins, so list literal routes (`/payments/find/...`) before parameter ones. */
export class Router {
  private readonly routes: { route: Route; segments: string[] }[];

  constructor(routes: readonly Route[]) {
    this.routes = routes.map((route) => ({ route, segments: split(route.pattern) }));
  }

  match(method: string, path: string): RouteMatch | null {
    const raw = split(path.replace(/\/+$/, ''));
    let segments: string[];
    try {
      segments = raw.map((s) => decodeURIComponent(s));
    } catch {
      return null;
    }
    for (const { route, segments: pattern } of this.routes) {
      if (route.method !== method || pattern.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const matched = pattern.every((p, i) => {
        const actual = segments[i] ?? '';
        if (!p.startsWith(':')) return p === actual;
        params[p.slice(1)] = actual;
        return actual !== '';
      });
      if (matched) return { route, params };
    }
    return null;
  }
}
