export { type EventSource, type EventSourceOptions, startEventSource } from './eventSource';
export { type LocalSqs, type LocalSqsOptions, startLocalSqs } from './server';
