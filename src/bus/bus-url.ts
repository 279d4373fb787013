/**
 * The value of `--bus` / `STREAMLAB_BUS` (issue 18): one or more NATS server URLs,
 * comma-separated, `nats://HOST:PORT[,nats://HOST:PORT…]` — the seed list of a NATS
 * cluster (the client learns the other members from the one it reaches).
 */
import { parseHostPort } from '../core/host-port.ts';

/** What `--bus` allows, for error messages. */
export const BUS_URL_FORMAT = 'nats://HOST:PORT[,nats://HOST:PORT…]';

/**
 * Parses a bus URL list.
 * @returns the `host:port` of each server, in the order given (nats.js `servers`)
 * @throws Error naming the bad entry and {@link BUS_URL_FORMAT}
 */
export function parseBusUrls(value: string): string[] {
  const entries = value.split(',').map((entry) => entry.trim());
  if (value.trim() === '' || entries.some((entry) => entry === '')) throw new Error(`bus "${value}" has an empty entry: expected ${BUS_URL_FORMAT}`);
  return entries.map((entry) => {
    const match = /^nats:\/\/(.+)$/.exec(entry);
    if (!match) throw new Error(`bus entry "${entry}" is not a nats:// URL: expected ${BUS_URL_FORMAT}`);
    let hostPort;
    try {
      hostPort = parseHostPort(match[1] as string);
    } catch {
      throw new Error(`bus entry "${entry}" has no valid HOST:PORT: expected ${BUS_URL_FORMAT} (port 1-65535)`);
    }
    if (hostPort.port === 0) throw new Error(`bus entry "${entry}" has port 0: a NATS server listens on a real port (4222 by default)`);
    return match[1] as string;
  });
}
