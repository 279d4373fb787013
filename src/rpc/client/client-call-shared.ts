/**
 * What every observed call of one channel shares: its call telemetry, its watched sockets,
 * its span handling and how it describes methods.
 */
import type { SocketWatch } from '../../core/socket-fate.ts';
import type { CallTelemetry } from '../../telemetry/call-telemetry.ts';
import type { MethodInfo } from '../../core/method-info.ts';
import type { ClientSpans } from './client-spans.ts';

/** Shared by the calls of one channel. */
export interface ClientCallShared {
  readonly telemetry: CallTelemetry;
  readonly spans: ClientSpans;
  /**
   * The channel's current socket, if connected; with `peer` (the call's remote `host:port`,
   * from grpc-js getPeer()), the socket to that peer when the channel has several.
   */
  currentSocket(peer?: string): SocketWatch | undefined;
  /** How many sockets the channel has connected so far (to tell a call no connection carried). */
  connectionCount(): number;
  /** How long to wait for the socket's fate after a transport-looking status, ms. */
  readonly settleMs: number;
  /**
   * The method info of a call's method definition: from the service definitions when known
   * (they carry the response serializer the client-side definition lacks, so received sizes
   * are known), else from the definition itself.
   */
  describe(definition: { path: string; requestStream: boolean; responseStream: boolean; requestSerialize: (value: never) => Buffer }): MethodInfo;
}
