import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createPorts } from '../../shared/runtime/deps';
import { verifyDeps, verifyPorts } from '../../shared/runtime/flows';
import { createMobileHandler } from './mobile';

const config = loadConfig();
const logger = createLogger('payments-complete-mobile');
const ports = await createPorts(config, verifyPorts);

export const handler = createMobileHandler(verifyDeps(config, ports), logger, config.resultPageUrl);
