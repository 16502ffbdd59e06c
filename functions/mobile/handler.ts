import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createVerifyOrQueueDeps } from '../../shared/runtime/verifyDeps';
import { makeMobileHandler } from './mobile';

const config = loadConfig();
const logger = createLogger('payments-complete-mobile');
const deps = await createVerifyOrQueueDeps(config);

export const handler = middy(makeMobileHandler(deps, logger, config.resultPageUrl)).use(
  injectLambdaContext(logger, { resetKeys: true }),
);
