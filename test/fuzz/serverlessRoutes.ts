/** The HTTP routes `serverless.yml` deploys, read from the file itself so the fuzz suite cannot miss one. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { gatedRoutesOf } from '../../local/gateway/routes';

const SERVERLESS_YML = new URL('../../serverless.yml', import.meta.url);

// Only the events: other keys (reserved concurrency) are still `${param:…}` strings before `serverless print`.
const eventsSchema = z.looseObject({
  functions: z.record(z.string(), z.looseObject({ events: z.array(z.unknown()).default([]) })).default({}),
});

/** Every `httpApi` event as `METHOD path`, in the file's order. */
export function serverlessRoutes(): string[] {
  // CloudFormation tags (`!Ref`) are unknown to the parser and left as they are: only the events are read.
  const { functions } = eventsSchema.parse(
    parse(readFileSync(SERVERLESS_YML, 'utf8'), { logLevel: 'silent' }),
  );
  const eventsOnly = Object.fromEntries(
    Object.entries(functions).map(([name, fn]) => [name, { events: fn.events }]),
  );
  return gatedRoutesOf({ functions: eventsOnly }, 1).map((route) => `${route.method} ${route.path}`);
}
