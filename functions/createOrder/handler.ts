import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { jsonErrors } from '../../shared/middleware/jsonErrors';
import { createOrderStoreFromConfig } from '../../shared/runtime/dynamo';
import { createIamportFromConfig } from '../../shared/runtime/iamport';
import { makeCreateOrderHandler } from './createOrder';

const config = loadConfig();
const logger = createLogger('orders-create');
const deps = { orders: createOrderStoreFromConfig(config), iamport: await createIamportFromConfig(config) };

export const handler = middy(makeCreateOrderHandler(deps, logger))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(jsonErrors(logger));
