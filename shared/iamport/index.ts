export { createIamportClient, type IamportClient } from './client';
export * from './errors';
export { IAMPORT_CLIENT_DEFAULTS, type IamportClientOptions } from './options';
export * from './types';
