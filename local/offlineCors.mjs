// Preloaded into the serverless-offline process by `npm start` (NODE_OPTIONS=--import).
//
// Deployed, the HTTP API has no CORS configuration (`httpApi.cors: false`): API Gateway adds no CORS
// header to any answer and answers no preflight itself; only POST /payments/complete speaks CORS, from
// ALLOWED_ORIGINS, in its own handler. serverless-offline instead reflects every request's Origin with
// `access-control-allow-credentials: true` and answers every preflight, so any web page the developer
// visits could read and create orders on their machine. Its only hook for that is one hapi
// `onPreResponse` extension, which acts only when the request has an Origin: we let it see none, so the
// answers carry exactly the CORS headers the handlers gave them, as on AWS.
import { createRequire } from 'node:module';

// serverless-offline's own copy of hapi: resolved from its package, the one its HttpServer imports.
const offlineRequire = createRequire(
  new URL('../node_modules/serverless-offline/package.json', import.meta.url),
);
const { server } = offlineRequire('@hapi/hapi');
// `server()` is a factory; its servers share one class, reached through an instance never started.
const serverClass = Object.getPrototypeOf(server());

const ext = serverClass.ext;
serverClass.ext = function extWithoutOfflineCors(event, method, options) {
  if (event !== 'onPreResponse' || typeof method !== 'function')
    return ext.call(this, event, method, options);
  const withoutOrigin = function (request, h) {
    const { origin } = request.headers;
    if (origin === undefined) return method.call(this, request, h);
    delete request.headers.origin;
    try {
      return method.call(this, request, h);
    } finally {
      request.headers.origin = origin;
    }
  };
  return ext.call(this, event, withoutOrigin, options);
};
