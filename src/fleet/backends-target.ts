/**
 * The value of `fleet --backends` (issue 18): servers the fleet did not start, as a gRPC
 * name-resolver target (grpc/grpc doc/naming.md) that the subscribers' round-robin channel
 * dials as it is:
 * - `dns:///NAME:PORT` — every address NAME resolves to (a compose network alias over
 *   several containers, a Kubernetes headless service);
 * - `ipv4:A:P,B:P` — a fixed list of IPv4 addresses.
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';

/** A parsed --backends value. */
export type BackendsTarget =
  | { kind: 'dns'; host: string; port: number; target: string }
  | { kind: 'ipv4'; addresses: string[]; target: string };

/** What --backends allows, for error messages. */
export const BACKENDS_FORMAT = 'dns:///NAME:PORT or ipv4:A.B.C.D:PORT[,A.B.C.D:PORT…]';

function portOf(text: string, entry: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 1 && port <= 65_535)) throw new Error(`--backends entry "${entry}" has no port 1-65535: expected ${BACKENDS_FORMAT}`);
  return port;
}

/**
 * Parses `value`.
 * @throws Error naming the bad value or entry and {@link BACKENDS_FORMAT}
 */
export function parseBackendsTarget(value: string): BackendsTarget {
  const dns = /^dns:\/\/\/([A-Za-z0-9._-]+):([^:]*)$/.exec(value);
  if (dns) return { kind: 'dns', host: dns[1] as string, port: portOf(dns[2] as string, value), target: value };
  if (value.startsWith('ipv4:')) {
    const entries = value.slice('ipv4:'.length).split(',');
    const addresses = entries.map((entry) => {
      const colon = entry.lastIndexOf(':');
      const host = entry.slice(0, colon);
      if (colon < 0 || !net.isIPv4(host)) throw new Error(`--backends entry "${entry}" is not A.B.C.D:PORT: expected ${BACKENDS_FORMAT}`);
      return `${host}:${portOf(entry.slice(colon + 1), entry)}`;
    });
    return { kind: 'ipv4', addresses, target: value };
  }
  throw new Error(`--backends "${value}" is not a target the fleet can dial: expected ${BACKENDS_FORMAT}`);
}

/**
 * The addresses behind `target` now, `host:port`: an `ipv4:` list in its order; a DNS name
 * resolved again on every call, sorted (none when it does not resolve).
 */
export async function resolveBackends(target: BackendsTarget): Promise<string[]> {
  if (target.kind === 'ipv4') return [...target.addresses];
  try {
    const found = await lookup(target.host, { all: true, family: 4 });
    return [...new Set(found.map((entry) => `${entry.address}:${target.port}`))].sort();
  } catch {
    return [];
  }
}
