import { loadConfig } from '../../shared/config';
import { createDynamoCheckpointStore } from '../../shared/ledger/checkpoint';
import { loadLedgerConfig } from '../../shared/ledger/config';
import { eventBridgeFindings } from '../../shared/ledger/publish';
import { createLogger } from '../../shared/logger';
import { verifyPayment } from '../../shared/payments/verifyPayment';
import { createPorts } from '../../shared/runtime/deps';
import { documentClient } from '../../shared/runtime/dynamo';
import { eventBridgeClient } from '../../shared/runtime/eventBridge';
import { EVENT_SOURCE } from '../../shared/runtime/events';
import { verifyDeps, verifyPorts } from '../../shared/runtime/flows';
import { createLedgerCheckHandler } from './ledgerCheck';

const config = loadConfig();
const ledger = loadLedgerConfig();
const logger = createLogger('ledger-check');
const ports = await createPorts(config, verifyPorts);
const deps = verifyDeps(config, ports);

export const handler = createLedgerCheckHandler(
  {
    orders: ports.orders,
    providerOf: (api) => (api === 'v1' ? deps.provider : deps.v2Provider),
    verify: (request) => verifyPayment(deps, request),
    checkpoints: createDynamoCheckpointStore(documentClient(config), ledger.table),
    acceptSandboxPayments: config.acceptSandboxPayments,
    refundLeaseMs: 60_000,
    now: () => new Date(),
  },
  ledger.settings,
  logger,
  config.events.busName
    ? eventBridgeFindings(eventBridgeClient(config), config.events.busName, EVENT_SOURCE)
    : undefined,
);
