import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createPorts } from '../../shared/runtime/deps';
import { verifyDeps, verifyPorts } from '../../shared/runtime/flows';
import { createMobileHandler } from './mobile';

const config = loadConfig();
const logger = createLogger('v2-payments-redirect');
const ports = await createPorts(config, verifyPorts);

/** `GET /v2/payments/redirect`: V2's `redirectUrl`, the same redirect handling as V1's mobile flow. */
export const handler = createMobileHandler(verifyDeps(config, ports), logger, config.resultPageUrl, 'v2');
