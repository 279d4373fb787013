/**
 * Client-side end-cause classification (design §2, client column), as a pure function.
 */
import { status as Status } from '@grpc/grpc-js';
import type { EndCause } from '../../core/end-cause.ts';
import type { SocketFate } from '../../core/socket-fate.ts';

/** What the client knows when a stream's status arrives. */
export interface ClientEndFacts {
  /** The received gRPC status code. */
  code: number;
  /** The server's `streamlab-end-cause` trailer, when the server sent a status. */
  serverCause?: string;
  /** True when this client called cancel() before the status arrived. */
  cancelledByClient: boolean;
  /** The fate of the channel's socket, if it has closed. */
  fate?: SocketFate;
  /**
   * True when a connection carried the call: the channel had an open socket when the call
   * started, or connected one while it ran. Default true.
   */
  connected?: boolean;
}

/**
 * Why the stream ended, from the client's side:
 * OK → completed; our cancel → client_cancelled; DEADLINE_EXCEEDED → deadline_exceeded;
 * server trailer server_shutdown → server_shutdown; a closed socket → connection_closed
 * (FIN), connection_reset (RST / socket error) or keepalive_timeout (our own keepalive
 * destroyed it); UNAVAILABLE with no connection ever made for the call → connect_failed;
 * any other non-OK status → failed.
 */
export function classifyClientEnd(facts: ClientEndFacts): EndCause {
  if (facts.code === Status.OK) return 'completed';
  if (facts.cancelledByClient && facts.code === Status.CANCELLED) return 'client_cancelled';
  if (facts.code === Status.DEADLINE_EXCEEDED) return 'deadline_exceeded';
  if (facts.serverCause === 'server_shutdown') return 'server_shutdown';
  if (facts.code === Status.UNAVAILABLE && facts.connected === false) return 'connect_failed';
  if (facts.serverCause === undefined && facts.fate) {
    if (facts.fate.kind === 'fin') return 'connection_closed';
    if (facts.fate.kind === 'rst') return 'connection_reset';
    return 'keepalive_timeout';
  }
  return 'failed';
}

/** OS error codes that mean "no connection could be made" (connect(2), getaddrinfo(3)). */
const CONNECT_ERRORS = ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME'] as const;

/**
 * The OS error behind a connect failure, read from grpc-js's status details, which carry
 * the subchannel's last error: "No connection established. Last error: Error: connect
 * ECONNREFUSED 127.0.0.1:1 ..." (load-balancer-pick-first.ts) or "Name resolution failed
 * for target dns:..." (resolver-dns.ts).
 * @returns the error code (e.g. `ECONNREFUSED`), `name not resolved`, or undefined when
 *   the details name neither
 */
export function connectErrorOf(details: string): string | undefined {
  const code = CONNECT_ERRORS.find((candidate) => new RegExp(`\\b${candidate}\\b`).test(details));
  if (code) return code;
  return /Name resolution failed/.test(details) ? 'name not resolved' : undefined;
}
