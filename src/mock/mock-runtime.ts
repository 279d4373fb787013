/**
 * What every mocked stream shares: the template helpers (seeded for reproducible runs), the
 * limits and added latency, and the transport faults.
 */
import type { ServerCallContext } from '../rpc/server/call-context.ts';
import type { TemplateHelpers } from './template/index.ts';
import type { ScriptFault } from './script-line.ts';

/** Limits and timing of every mocked stream (flags and `STREAMLAB_MOCK_*` variables). */
export interface MockLimits {
  /** A stream still open after this many ms is ended with DEADLINE_EXCEEDED. Default 300,000 (5 min); 0: never. */
  streamTimeoutMs: number;
  /** Messages the server sends per stream; one more ends it with RESOURCE_EXHAUSTED. Default 10,000. */
  maxMessages: number;
  /** Latency added to every message the server sends: uniform in [min, max] ms. Defaults 0 and 0. */
  latencyMinMs: number;
  latencyMaxMs: number;
  /** A stream's state as JSON, bytes, after a line's updates; past it the stream ends RESOURCE_EXHAUSTED naming the line. Default 1 MiB. */
  maxStateBytes: number;
  /** A rendered message (or status message) as JSON, bytes; past it the stream ends RESOURCE_EXHAUSTED naming the line. Default 4 MiB, grpc-js's default receive limit. */
  maxMessageBytes: number;
}

/** Defaults of {@link MockLimits}. */
export const MOCK_LIMIT_DEFAULTS: MockLimits = {
  streamTimeoutMs: 300_000, maxMessages: 10_000, latencyMinMs: 0, latencyMaxMs: 0, maxStateBytes: 1_048_576, maxMessageBytes: 4_194_304,
};

/** Ends a call's connection the way a network or a dying server would (src/mock/transport-faults.ts). */
export interface TransportFaults {
  /**
   * Applies `fault` to the connection that carries `call` (`goaway` also ends the call,
   * through its context, as a draining server would).
   * @returns false when the connection is already gone (nothing to break)
   */
  apply(fault: ScriptFault, call: { getPeer(): string }, context: Pick<ServerCallContext, 'fail'>): boolean;
}

/** The shared runtime of the mocked streams. */
export interface MockRuntime {
  /**
   * Template helpers for one new stream: each stream gets its own generator (seeded from the
   * mock's seed and the stream's number), so concurrent streams do not interleave draws and a
   * seeded run is reproducible stream by stream.
   */
  helpersForStream(): TemplateHelpers;
  limits: MockLimits;
  faults: TransportFaults;
  /** Uniform in [0, 1): the latency draw (seeded with the helpers' seed). */
  random(): number;
}
