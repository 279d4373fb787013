/**
 * The transport endings a mock script can ask for (`fault`), applied to the connection of
 * one call. The mock serves behind its own fault proxy (src/faults/fault-proxy.ts), which
 * owns the client's TCP socket: `reset` sends RST both ways, `close` FIN, `blackhole` passes
 * nothing on any more (only keepalive can notice). `goaway` is what a draining server does:
 * GOAWAY on the call's HTTP/2 session, then the call ends UNAVAILABLE with the
 * `server_shutdown` end cause in its trailer.
 */
import { status as Status } from '@grpc/grpc-js';
import { StreamlabError } from '../core/errors.ts';
import type { FaultProxy } from '../faults/fault-proxy.ts';
import type { TransportFaults } from './mock-runtime.ts';

/** What the faults act on, attached once the proxy and the server exist. */
export interface FaultTargets {
  proxy: FaultProxy;
  /** Sends GOAWAY on the HTTP/2 session whose peer is `peer`; false when there is none. */
  goaway(peer: string): boolean;
}

/** Creates the faults; `attach` them to the proxy and server before the first call. */
export function createTransportFaults() {
  let targets: FaultTargets | undefined;
  const faults: TransportFaults & { attach(targets: FaultTargets): void } = {
    attach(attached) {
      targets = attached;
    },
    apply(fault, call, context) {
      if (!targets) throw new Error('streamlab mock: transport faults used before attach()');
      const peer = call.getPeer();
      if (fault !== 'goaway') return targets.proxy.faultConnection(fault, peer) !== undefined;
      const sent = targets.goaway(peer);
      context.fail(new StreamlabError(Status.UNAVAILABLE, 'server going away (scripted GOAWAY)'), 'server_shutdown');
      return sent;
    },
  };
  return faults;
}
