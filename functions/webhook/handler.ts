import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { jsonErrors } from '../../shared/middleware/jsonErrors';
import { createVerifyOrQueueDeps } from '../../shared/runtime/verifyDeps';
import { makeWebhookHandler } from './webhook';

const config = loadConfig();
const logger = createLogger('payments-webhook');
const deps = await createVerifyOrQueueDeps(config);

export const handler = middy(makeWebhookHandler(deps, logger, { allowedIps: config.webhookAllowedIps }))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(jsonErrors(logger));
