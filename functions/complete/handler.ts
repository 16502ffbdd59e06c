import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createPorts } from '../../shared/runtime/deps';
import { verifyDeps, verifyPorts } from '../../shared/runtime/flows';
import { createCompleteHandler } from './complete';

const config = loadConfig();
const logger = createLogger('payments-complete');
const ports = await createPorts(config, verifyPorts);

export const handler = createCompleteHandler(verifyDeps(config, ports), logger, config.allowedOrigins);
