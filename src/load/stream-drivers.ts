/**
 * One stream of a load run, driven the way its RPC kind calls for:
 * - unary: one request, one response;
 * - server streaming: one request, read until the server ends;
 * - client streaming and bidi: send the request at once, then `rate` times per second
 *   (0: only the first), waiting for 'drain' when grpc-js buffers; half-close when the run
 *   ends (`finish()`). Bidi also reads.
 * It feeds the run's stats: connect latency (response headers; unary: the response), time
 * to first message and inter-arrival, in ms.
 */
import type { ClientWritableStream } from '@grpc/grpc-js';
import type { DynamicClient } from '../client/dynamic-client.ts';
import type { ObservedCall } from '../client/streamlab-client.ts';
import type { StreamEnd } from '../telemetry/lifecycle-event.ts';
import type { CallRecorder } from '../telemetry/call-recorder.ts';
import type { LoadStats } from './load-stats.ts';

/** Between two pumps of a fast writer, ms: rates above 100/s are sent in small bursts. */
const MIN_TICK_MS = 10;

/** One open stream of the run. */
export interface DrivenStream {
  /** Resolves with the client-side end record. */
  readonly ended: Promise<StreamEnd>;
  /** The call's recorder: messages so far both ways. */
  readonly recorder: CallRecorder;
  /** Whether the run cancelled it (at its end); it may have ended by itself just before. */
  readonly cancelledByRun: boolean;
  /**
   * The run is over: writers stop sending and half-close. Returns true when the stream
   * was half-closed and may still end by itself (the run then waits its grace), false when
   * there is nothing to wait for (unary, server streaming: cancel it now).
   */
  finish(): boolean;
  /** Cancels the stream on the run's behalf (end cause client_cancelled). */
  cancel(): void;
}

/** What every stream of a run shares. */
export interface DriverContext {
  client: DynamicClient;
  /** The request (parsed --data). */
  request: unknown;
  /** Messages per second per stream after the first (client streaming, bidi); 0: only the first. */
  rate: number;
  stats: LoadStats;
}

/** Sends `request` now and then `rate` per second; `stop()` ends the schedule. */
function startWriter(call: ClientWritableStream<unknown>, request: unknown, rate: number): { stop(): void } {
  const startedAt = performance.now();
  let written = 0;
  let blocked = false;
  let stopped = false;
  const pump = () => {
    if (stopped || blocked) return;
    const due = rate === 0 ? 1 : Math.floor(((performance.now() - startedAt) * rate) / 1000) + 1;
    while (written < due && !stopped) {
      written += 1;
      if (!call.write(request)) {
        blocked = true;
        call.once('drain', () => {
          blocked = false;
          pump();
        });
        return;
      }
    }
  };
  pump();
  const timer = rate > 0 ? setInterval(pump, Math.max(1000 / rate, MIN_TICK_MS)) : undefined;
  const stop = () => {
    stopped = true;
    clearInterval(timer);
  };
  call.once('status', stop);
  return { stop };
}

/** Watches a call's headers and messages for the stats. */
function watchReads(observed: ObservedCall<{ on(event: string, listener: (...args: never[]) => void): unknown }>, stats: LoadStats, openedAt: number): void {
  let last: number | undefined;
  observed.call.on('metadata', () => stats.connect(performance.now() - openedAt));
  observed.call.on('data', () => {
    const now = performance.now();
    if (last === undefined) stats.firstMessage(now - openedAt);
    else stats.interArrival(now - last);
    last = now;
  });
}

/**
 * Opens one stream of the client's method and drives it. Call it inside the context whose
 * baggage carries the scenario name.
 */
export function openDrivenStream(context: DriverContext): DrivenStream {
  const { client, request, rate, stats } = context;
  const openedAt = performance.now();
  let cancelledByRun = false;
  let finish = () => false;
  let observed: ObservedCall<{ cancel(): void }>;
  switch (client.method.kind) {
    case 'unary': {
      const call = client.unary(request);
      void call.response.then((response) => {
        if (response === undefined) return;
        stats.connect(performance.now() - openedAt);
        stats.firstMessage(performance.now() - openedAt);
      });
      observed = call;
      break;
    }
    case 'server_stream': {
      const call = client.serverStream(request);
      watchReads(call, stats, openedAt);
      observed = call;
      break;
    }
    case 'client_stream':
    case 'bidi_stream': {
      const call = client.method.kind === 'client_stream' ? client.clientStream() : client.bidiStream();
      if (client.method.kind === 'client_stream') {
        call.call.on('metadata', () => stats.connect(performance.now() - openedAt));
        void (call as ReturnType<DynamicClient['clientStream']>).response.then((response) => {
          if (response !== undefined) stats.firstMessage(performance.now() - openedAt);
        });
      } else {
        watchReads(call, stats, openedAt);
      }
      const writer = startWriter(call.call, request, rate);
      let finished = false;
      finish = () => {
        if (!finished) {
          finished = true;
          writer.stop();
          call.call.end();
        }
        return true;
      };
      void call.ended.then(writer.stop);
      observed = call;
      break;
    }
  }
  stats.opened();
  return {
    ended: observed.ended,
    recorder: observed.recorder,
    get cancelledByRun() {
      return cancelledByRun;
    },
    finish: () => finish(),
    cancel() {
      cancelledByRun = true;
      observed.cancel();
    },
  };
}
