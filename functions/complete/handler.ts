import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { jsonErrors } from '../../shared/middleware/jsonErrors';
import { createVerifyOrQueueDeps } from '../../shared/runtime/verifyDeps';
import { makeCompleteHandler } from './complete';

const config = loadConfig();
const logger = createLogger('payments-complete');
const deps = await createVerifyOrQueueDeps(config);

export const handler = middy(makeCompleteHandler(deps, logger))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(httpCors({ origins: [...config.allowedOrigins], methods: 'POST,OPTIONS', headers: 'content-type' }))
  .use(jsonErrors(logger));
