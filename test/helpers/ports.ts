/** Free loopback ports for test servers: the local stack's own helper. */
export { freePort, freePorts } from '../../local/ports';
