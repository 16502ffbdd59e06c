export { createIamportClient, type IamportClient } from './client';
export * from './errors';
export { LIST_ALL_MAX_PAGES, LIST_ALL_PAGE_LIMIT, listAllPayments } from './listAllPayments';
export { IAMPORT_CLIENT_DEFAULTS, type IamportClientOptions } from './options';
export * from './types';
