/**
 * The `serve` flags that put a child server on the bus (issue 18), for the fleet that
 * starts its servers as `streamlab serve` child processes.
 */
import type { BusTopicsOptions } from './bus-topics.ts';

/** The serve flags that carry `options` to a child server, for the fleet. */
export function busArgs(options: BusTopicsOptions): string[] {
  return [
    '--bus', options.bus, '--tick-ms', String(options.tickMs),
    ...(options.replicas !== undefined ? ['--bus-replicas', String(options.replicas)] : []),
    ...(options.expiresMs !== undefined ? ['--bus-expires-ms', String(options.expiresMs)] : []),
    ...(options.reconnectWaitMs !== undefined ? ['--bus-reconnect-wait-ms', String(options.reconnectWaitMs)] : []),
    ...(options.connectTimeoutMs !== undefined ? ['--bus-connect-timeout-ms', String(options.connectTimeoutMs)] : []),
  ];
}
