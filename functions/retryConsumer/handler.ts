import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createPorts, reconcileDeps, verifyPorts } from '../../shared/runtime/deps';
import { createRetryConsumer } from './retryConsumer';

const config = loadConfig();
const logger = createLogger('retry-consumer');
const ports = await createPorts(config, logger, [...verifyPorts, 'deadLetters']);

export const handler = createRetryConsumer(reconcileDeps(config, ports), logger);
