import { loadConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { createPorts } from '../../shared/runtime/deps';
import { reconcileDeps, verifyPorts } from '../../shared/runtime/flows';
import { createRetryConsumer } from './retryConsumer';

const config = loadConfig();
const logger = createLogger('retry-consumer');
const ports = await createPorts(config, [...verifyPorts, 'deadLetters']);

export const handler = createRetryConsumer(reconcileDeps(config, ports), logger);
