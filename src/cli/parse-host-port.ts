/**
 * `host:port` flags (`proxy --listen/--upstream`, `client --target`, ...): the parsing of
 * src/core/host-port.ts, its error thrown as commander's `InvalidArgumentError` so commander
 * prints a usage error.
 */
import { InvalidArgumentError } from 'commander';
import { parseHostPort as parseAddress } from '../core/host-port.ts';
import type { HostPort } from '../core/host-port.ts';

export { formatHostPort } from '../core/host-port.ts';
export type { HostPort } from '../core/host-port.ts';

/**
 * Parses `host:port`, `1.2.3.4:port` or `[ipv6]:port` (port 0-65535).
 * @throws InvalidArgumentError `expected host:port with port 0-65535, got "X"` for anything else
 */
export function parseHostPort(value: string): HostPort {
  try {
    return parseAddress(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
