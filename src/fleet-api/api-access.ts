/**
 * The access settings of the fleet's control API (issue 16 item 8), free of fastify so
 * config.ts and the CLI can check them before anything starts: the bearer token's rule and
 * what binding counts as loopback. fleet-api-guard.ts enforces them.
 */
import { isIP } from 'node:net';

/** Who may call the API, beside what the guard allows by itself. */
export interface ApiAccess {
  /** Host names or addresses (no port) a request's Host may name too, e.g. a compose service name. */
  allowedHosts?: readonly string[];
  /** The bearer token `/api` routes require (fleet-api-guard.ts); undefined: none. */
  token?: string;
}

/** What a token may be: RFC 6750's b64token characters, at least 16 of them. */
const TOKEN = /^[A-Za-z0-9\-._~+/]{16,}=*$/;

/** The token's rule, for messages. */
export const TOKEN_RULE = "at least 16 of the characters A-Z a-z 0-9 - . _ ~ + / (e.g. `openssl rand -hex 16`)";

/** Whether `token` is a usable bearer token (see {@link TOKEN_RULE}). */
export function isValidToken(token: string): boolean {
  return TOKEN.test(token);
}

/** Whether binding `host` keeps the API on this machine: `localhost`, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}
