/**
 * Strict `host:port` parsing for CLI flags (`proxy --listen/--upstream`, `client --target`, ...).
 */
import net from 'node:net';
import { InvalidArgumentError } from 'commander';

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
 * Throws commander's `InvalidArgumentError` with `expected host:port with port 0-65535, got "X"`
 * for anything else (missing host or port, unbracketed IPv6, spaces, port out of range),
 * so commander prints a usage error.
 */
export function parseHostPort(value: string): HostPort {
  const fail = (): never => {
    throw new InvalidArgumentError(`expected host:port with port 0-65535, got "${value}"`);
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
