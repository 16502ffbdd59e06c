export { createPortOneClient, type PortOneClient } from './client';
export * from './errors';
export { cancelIdempotencyKey } from './idempotency';
export { PORTONE_CLIENT_DEFAULTS, type PortOneClientOptions } from './options';
export * from './types';
