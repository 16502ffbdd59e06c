/**
 * `ReadableStream` of `node:stream/web`, looked up on first use instead of at import.
 *
 * `@middy/core` imports it to recognise a streamed response (`instanceof ReadableStream`), which our
 * functions never send. Importing `node:stream/web` loads eight of Node's internal modules at cold
 * start (1.5 ms on its own, 3–5 % of a small function's init, measured); Node's global
 * `ReadableStream` is the same class and loads them only when first touched. The esbuild plugin in
 * `build/esbuildPlugins.cjs` gives this module to `@middy/core` in place of the builtin.
 *
 * A proxy rather than a class of our own, so that whatever middy does with it (`instanceof`, `new`,
 * `ReadableStream.from`) it does to the real class.
 */
const real = (): typeof globalThis.ReadableStream => globalThis.ReadableStream;

export const ReadableStream: typeof globalThis.ReadableStream = new Proxy(
  // A plain function as the target, so that the proxy can be called with `new` and used with
  // `instanceof`. Not the class itself (that would load it) and not a class: a proxy may answer
  // `get('prototype')` with the real prototype only because this function's own `prototype` is
  // writable; a class's is not, and the proxy would throw.
  function ReadableStream() {} as unknown as typeof globalThis.ReadableStream,
  {
    get: (_target, key) => Reflect.get(real(), key),
    has: (_target, key) => Reflect.has(real(), key),
    // Called without `new`, the real class throws its own TypeError.
    apply: (_target, self, args) => Reflect.apply(real(), self, args),
    construct: (_target, args, newTarget) =>
      Reflect.construct(real(), args, newTarget === ReadableStream ? real() : newTarget),
  },
);
