import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { jsonErrors } from '../../shared/middleware/jsonErrors';
import { createOrderStoreFromConfig } from '../../shared/runtime/dynamo';
import { makeGetOrderHandler } from './getOrder';

const config = loadConfig();
const logger = createLogger('orders-get');

export const handler = middy(makeGetOrderHandler(createOrderStoreFromConfig(config)))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(jsonErrors(logger));
