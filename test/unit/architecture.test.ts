import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../local/serverlessConfig';

/**
 * The folder map of docs/architecture.md, checked: which part of the product may import which, and no
 * import cycle anywhere. A new import that breaks a rule fails here, with the edge named.
 */
const mayImport: Record<string, readonly string[]> = {
  'shared/identifiers': [],
  'shared/validation': [],
  'shared/net': [],
  'shared/config': [],
  'shared/logger': [],
  'shared/orders': [],
  'shared/iamport': ['shared/net'],
  'shared/portone': ['shared/net'],
  'shared/queue': ['shared/identifiers'],
  'shared/events': ['shared/orders', 'shared/net'],
  'shared/http': ['shared/identifiers'],
  'shared/middleware': ['shared/http'],
  'shared/payments': ['shared/orders', 'shared/iamport', 'shared/events', 'shared/queue'],
  'shared/reconcile': ['shared/orders', 'shared/payments', 'shared/queue', 'shared/iamport', 'shared/events'],
  'shared/register': [
    'shared/orders',
    'shared/iamport',
    'shared/portone',
    'shared/queue',
    'shared/reconcile',
  ],
  // The ledger check: the provider port's listings held against the orders, acting through the core.
  'shared/ledger': ['shared/orders', 'shared/payments', 'shared/events'],
  // Adapters from a payment API to the core's provider port: the only place both meet.
  'shared/providers': ['shared/iamport', 'shared/portone', 'shared/payments', 'shared/orders'],
  'shared/runtime': [
    'shared/config',
    'shared/events',
    'shared/iamport',
    'shared/orders',
    'shared/payments',
    'shared/queue',
    'shared/reconcile',
    'shared/register',
    'shared/providers',
    'shared/portone',
  ],
  // Handlers may use all of the domain, but never one another.
  functions: ['shared/*'],
  // The emulator speaks the client's types (its in-process API), nothing else of the product.
  sandbox: ['shared/iamport', 'shared/identifiers', 'shared/net'],
  local: ['sandbox', 'shared/*'],
  // Bundling only: serverless-esbuild's plugin and the stand-in module it builds in.
  build: [],
};

function sources(folder: string, found: string[] = []): string[] {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) sources(path, found);
    else if (path.endsWith('.ts')) found.push(path);
  }
  return found;
}

/** `shared/orders` for shared/orders/store.ts, `shared/config` for shared/config.ts, `functions`, … */
function partOf(file: string): string {
  const [top = '', second = ''] = relative(projectRoot, file).split('/');
  if (top !== 'shared') return top;
  return `shared/${second.replace(/\.ts$/, '')}`;
}

function imports(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => {
      const target = resolve(dirname(file), name);
      if (existsSync(`${target}.ts`)) return `${target}.ts`;
      if (existsSync(join(target, 'index.ts'))) return join(target, 'index.ts');
      return target;
    });
}

const files = ['shared', 'functions', 'sandbox', 'local', 'build'].flatMap((folder) =>
  sources(join(projectRoot, folder)),
);
const graph = new Map(files.map((file) => [file, imports(file)]));

/** The validator's shared shapes: every part that validates may use them, like a library. */
const everywhere = new Set(['shared/validation']);

const allowed = (from: string, to: string): boolean =>
  from === to ||
  everywhere.has(to) ||
  (mayImport[from] ?? []).some(
    (rule) => rule === to || (rule.endsWith('/*') && to.startsWith(rule.slice(0, -1))),
  );

describe('architecture', () => {
  it('every part imports only what docs/architecture.md allows it', () => {
    const unknown = [...new Set(files.map(partOf))].filter((part) => !(part in mayImport));
    expect(unknown, 'parts with no rule: add them to the map').toEqual([]);
    const broken = [...graph].flatMap(([file, targets]) =>
      targets
        .filter((target) => !allowed(partOf(file), partOf(target)))
        .map((target) => `${relative(projectRoot, file)} -> ${relative(projectRoot, target)}`),
    );
    expect(broken).toEqual([]);
  });

  it('has no import cycle, type-only imports included', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push(
          [...path.slice(path.indexOf(file)), file].map((f) => relative(projectRoot, f)).join(' -> '),
        );
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
