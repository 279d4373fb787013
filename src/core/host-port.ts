/**
 * Strict `host:port` parsing: CLI flags (`proxy --listen/--upstream`, `client --target`, ...,
 * through src/cli/parse-host-port.ts) and the bus's URL list (src/bus/bus-url.ts).
 */
import net from 'node:net';

/** A parsed network address; `host` is unbracketed (`::1`, not `[::1]`). */
export interface HostPort {
  host: string;
  /** 0-65535; 0 means "pick a free port" where listening. */
  port: number;
}

const HOSTNAME = /^[A-Za-z0-9._-]+$/;
const PORT = /^\d{1,5}$/;

/**
 * Parses `host:port`, `1.2.3.4:port` or `[ipv6]:port` (port 0-65535, decimal digits only).
 * @throws Error `expected host:port with port 0-65535, got "X"` for anything else (missing
 *   host or port, unbracketed IPv6, spaces, port out of range)
 */
export function parseHostPort(value: string): HostPort {
  const fail = (): never => {
    throw new Error(`expected host:port with port 0-65535, got "${value}"`);
  };
  const colon = value.lastIndexOf(':');
  if (colon < 0) return fail();
  const rawHost = value.slice(0, colon);
  const rawPort = value.slice(colon + 1);
  if (!PORT.test(rawPort)) return fail();
  const port = Number(rawPort);
  if (port > 65535) return fail();
  let host: string;
  if (rawHost.startsWith('[') && rawHost.endsWith(']')) {
    host = rawHost.slice(1, -1);
    if (!net.isIPv6(host)) return fail();
  } else {
    host = rawHost;
    if (!HOSTNAME.test(host)) return fail();
  }
  return { host, port };
}

/** The inverse of {@link parseHostPort}: `host:port`, with IPv6 hosts bracketed (`[::1]:8080`). */
export function formatHostPort({ host, port }: HostPort): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
