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
}

/**
 * Why the stream ended, from the client's side:
 * OK → completed; our cancel → client_cancelled; DEADLINE_EXCEEDED → deadline_exceeded;
 * server trailer server_shutdown → server_shutdown; a closed socket → connection_closed
 * (FIN), connection_reset (RST / socket error) or keepalive_timeout (our own keepalive
 * destroyed it); any other non-OK status → failed.
 */
export function classifyClientEnd(facts: ClientEndFacts): EndCause {
  if (facts.code === Status.OK) return 'completed';
  if (facts.cancelledByClient && facts.code === Status.CANCELLED) return 'client_cancelled';
  if (facts.code === Status.DEADLINE_EXCEEDED) return 'deadline_exceeded';
  if (facts.serverCause === 'server_shutdown') return 'server_shutdown';
  if (facts.serverCause === undefined && facts.fate) {
    if (facts.fate.kind === 'fin') return 'connection_closed';
    if (facts.fate.kind === 'rst') return 'connection_reset';
    return 'keepalive_timeout';
  }
  return 'failed';
}
