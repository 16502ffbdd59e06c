// esbuild plugins for the deployed bundles: serverless-esbuild loads this file (`custom.esbuild.plugins`
// in serverless.yml) with require(), so it is CommonJS; bench/bundles.ts and the build tests load it too.
const { join } = require('node:path');

/** Imports of `node:stream/web` by `@middy/core`, served by the lazy stand-in (see the module). */
const LAZY_READABLE_STREAM = join(__dirname, 'lazyReadableStream.ts');
const MIDDY_CORE = /[\\/]node_modules[\\/]@middy[\\/]core[\\/]/;

/** @type {import('esbuild').Plugin} */
const lazyWebStreamsForMiddy = {
  name: 'lazy-web-streams-for-middy',
  setup(build) {
    build.onResolve({ filter: /^(node:)?stream\/web$/ }, (args) =>
      MIDDY_CORE.test(args.importer) ? { path: LAZY_READABLE_STREAM } : undefined,
    );
  },
};

module.exports = [lazyWebStreamsForMiddy];
