import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createPorts } from '../../shared/runtime/deps';
import { verifyDeps, verifyPorts } from '../../shared/runtime/flows';
import { createCompleteHandler } from './complete';

const config = loadConfig();
const logger = createLogger('v2-payments-complete');
const ports = await createPorts(config, verifyPorts);

/** `POST /v2/payments/complete`: the same completion, for PortOne V2's `{paymentId}`. */
export const handler = createCompleteHandler(verifyDeps(config, ports), logger, config.allowedOrigins, 'v2');
