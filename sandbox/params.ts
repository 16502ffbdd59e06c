/**
 * Turns flat `key=value` pairs (query strings, form bodies) into nested values the way PHP and the
 * `qs` package do, because Iamport's own clients send `extra[requester]=admin`, `imp_uid[]=a` and
 * PHP's `imp_uid[0]=a&imp_uid[1]=b`. Repeated plain keys become arrays too.
 */
interface Leaf {
  kind: 'leaf';
  values: string[];
}
interface Branch {
  kind: 'branch';
  children: Map<string, Leaf | Branch>;
}

const maxDepth = 5;
// These names would reach Object.prototype if the result were ever merged into another object.
const forbidden = new Set(['__proto__', 'constructor', 'prototype']);
const bracketKey = /^([^[\]]+)((?:\[[^[\]]*\])+)$/;

function splitKey(key: string): string[] {
  const match = bracketKey.exec(key);
  if (!match?.[1] || !match[2]) return [key];
  const inner = [...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? '');
  return inner.length + 1 > maxDepth ? [key] : [match[1], ...inner];
}

function nextIndex(branch: Branch): string {
  let next = 0;
  for (const key of branch.children.keys()) {
    if (/^\d+$/.test(key)) next = Math.max(next, Number(key) + 1);
  }
  return String(next);
}

function insert(branch: Branch, segments: string[], value: string): void {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  const key = head === '' ? nextIndex(branch) : head;
  const existing = branch.children.get(key);
  if (rest.length === 0) {
    if (existing === undefined) branch.children.set(key, { kind: 'leaf', values: [value] });
    else if (existing.kind === 'leaf') existing.values.push(value);
    return;
  }
  if (existing === undefined) {
    const child: Branch = { kind: 'branch', children: new Map() };
    branch.children.set(key, child);
    insert(child, rest, value);
  } else if (existing.kind === 'branch') {
    insert(existing, rest, value);
  }
}

function materialise(node: Leaf | Branch): unknown {
  if (node.kind === 'leaf') return node.values.length === 1 ? node.values[0] : [...node.values];
  const keys = [...node.children.keys()];
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => {
        const child = node.children.get(k);
        return child === undefined ? undefined : materialise(child);
      });
  }
  return Object.fromEntries(
    keys.map((k) => [k, materialise(node.children.get(k) ?? { kind: 'leaf', values: [] })]),
  );
}

export function parseParams(pairs: Iterable<[string, string]>): Record<string, unknown> {
  const root: Branch = { kind: 'branch', children: new Map() };
  for (const [key, value] of pairs) {
    const segments = splitKey(key);
    if (segments.some((s) => forbidden.has(s))) continue;
    insert(root, segments, value);
  }
  const result: Record<string, unknown> = {};
  for (const [key, child] of root.children) result[key] = materialise(child);
  return result;
}
