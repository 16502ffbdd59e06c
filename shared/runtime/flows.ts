import type { Logger } from '@aws-lambda-powertools/logger';
import type { Config } from '../config';
import type { VerifyOrQueueDeps } from '../payments/verifyOrQueue';
import { iamportProvider } from '../providers/iamportProvider';
import { portoneProvider } from '../providers/portoneProvider';
import type { ReconcileDeps } from '../reconcile/types';
import type { RegisterDeps } from '../register/registerOrder';
import type { Ports } from './deps';

/*
 * What each flow runs with, assembled from the ports `createPorts` built. Apart from `deps.ts` so that a
 * function that runs no flow (the order view, the event delivery, the sweeper) loads no provider
 * adapter, nor the PortOne answer schemas they bring.
 */

/**
 * Ports every verifying entry point (and the retry consumer) needs; `portone` where configured. No
 * event targets: a transition's event leaves with the write, the delivery function sends it.
 */
export const verifyPorts = ['iamport', 'portone', 'orders', 'queue'] as const;

/** What a verifying entry point runs with. */
export function verifyDeps(
  config: Config,
  ports: Pick<Ports, (typeof verifyPorts)[number]>,
): VerifyOrQueueDeps {
  return {
    provider: iamportProvider(ports.iamport),
    ...(ports.portone ? { v2Provider: portoneProvider(ports.portone) } : {}),
    orders: ports.orders,
    queue: ports.queue,
    acceptSandboxPayments: config.acceptSandboxPayments,
    retryBaseSeconds: config.retryBaseSeconds,
  };
}

/** What the retry consumer runs with. */
export function reconcileDeps(
  config: Config,
  ports: Pick<Ports, (typeof verifyPorts)[number] | 'deadLetters'>,
): ReconcileDeps {
  return {
    ...verifyDeps(config, ports),
    deadLetters: ports.deadLetters,
    settings: {
      reconcileAfterSeconds: config.reconcileAfterSeconds,
      reconcileMaxAgeSeconds: config.reconcileMaxAgeSeconds,
      retryBaseSeconds: config.retryBaseSeconds,
    },
  };
}

/** What `POST /orders` runs with. */
export function registerDeps(
  config: Config,
  ports: Pick<Ports, 'iamport' | 'portone' | 'orders' | 'queue'>,
  logger: Logger,
): RegisterDeps {
  return {
    orders: ports.orders,
    iamport: ports.iamport,
    ...(ports.portone ? { portone: ports.portone } : {}),
    queue: ports.queue,
    reconcileAfterSeconds: config.reconcileAfterSeconds,
    onScheduleFailure: (error) =>
      logger.warn('lost-result check not queued; the sweeper will find it', { error }),
  };
}
