import { z } from 'zod';

/**
 * The HTTP routes of `serverless.yml` (as `serverless print` resolves them) with the function each
 * invokes and how many of its invocations may run at once locally.
 */
export interface GatedRoute {
  method: string;
  /** API Gateway's path template: `/orders/{merchant_uid}`. */
  path: string;
  functionName: string;
  limit: number;
}

const httpApiEvent = z.object({
  httpApi: z.union([z.string(), z.looseObject({ method: z.string(), path: z.string() })]),
});
const functionSchema = z.looseObject({
  reservedConcurrency: z.number().int().positive().optional(),
  events: z.array(z.unknown()).optional(),
});
const configSchema = z.looseObject({ functions: z.record(z.string(), functionSchema).default({}) });

/**
 * Every `httpApi` event of every function. The limit is the function's `reservedConcurrency` when
 * `serverless.yml` sets one (as deployed), else `defaultLimit`.
 */
export function gatedRoutesOf(config: unknown, defaultLimit: number): GatedRoute[] {
  const { functions } = configSchema.parse(config);
  return Object.entries(functions).flatMap(([functionName, fn]) =>
    (fn.events ?? []).flatMap((event) => {
      const parsed = httpApiEvent.safeParse(event);
      if (!parsed.success) return [];
      const { httpApi } = parsed.data;
      const [method, path] =
        typeof httpApi === 'string'
          ? (httpApi.split(/\s+/, 2) as [string, string?])
          : [httpApi.method, httpApi.path];
      if (path === undefined) return [];
      return [
        { method: method.toUpperCase(), path, functionName, limit: fn.reservedConcurrency ?? defaultLimit },
      ];
    }),
  );
}

/** Matches a request to its route: `{name}` is one path segment, `{name+}` the rest of the path. */
export function routeMatcher(routes: readonly GatedRoute[]) {
  const compiled = routes.map((route) => ({
    route,
    pattern: new RegExp(
      `^${route.path
        .split('/')
        .map((segment) => {
          if (/^\{[^}]+\+\}$/.test(segment)) return '.+';
          if (/^\{[^}]+\}$/.test(segment)) return '[^/]+';
          return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('/')}$`,
    ),
  }));
  return (method: string, pathname: string): GatedRoute | undefined =>
    compiled.find(
      ({ route, pattern }) => (route.method === method || route.method === 'ANY') && pattern.test(pathname),
    )?.route;
}
