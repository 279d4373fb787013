/**
 * A typed Ticker client whose every stream is observed: spans, metrics, logs and the end
 * cause on the client side. One channel per client; the channel's socket is watched.
 */
import type { ClientReadableStream, ChannelOptions } from '@grpc/grpc-js';
import { loadTickerProto } from '../proto.ts';
import type { SubscribeRequest } from '../generated/streamlab/v1/SubscribeRequest.ts';
import type { Event__Output } from '../generated/streamlab/v1/Event.ts';
import { watchSocketFate } from '../core/socket-fate.ts';
import type { SocketWatch } from '../core/socket-fate.ts';
import type { RecorderDeps, StreamRecorder } from '../telemetry/stream-recorder.ts';
import type { StreamEnd } from '../telemetry/lifecycle-event.ts';
import { createWatchedCredentials } from '../rpc/client/watched-credentials.ts';
import { observeClientStream } from './client-lifecycle.ts';

/** Client options; every field but `target` has a default. */
export interface TickerClientOptions {
  /** `host:port` of the server (or of a proxy in front of it). */
  target: string;
  /**
   * Interval between the client's keepalive PINGs while a stream is open, ms. Default
   * 30,000: the same reasoning as the server's (src/server/create-server.ts). grpc-core and
   * grpc-go servers refuse pings more often than every 5 min by default (gRFC A8) and
   * answer with GOAWAY ENHANCE_YOUR_CALM; grpc-js servers, like ours, do not enforce it.
   */
  keepaliveTimeMs?: number;
  /** How long a PING may go unanswered before the client drops the connection, ms. Default 10,000. */
  keepaliveTimeoutMs?: number;
  /** How long to wait for the socket's fate after an UNAVAILABLE-like status, ms. Default 100. */
  settleMs?: number;
}

/** Defaults of {@link TickerClientOptions}. */
export const CLIENT_DEFAULTS = { keepaliveTimeMs: 30_000, keepaliveTimeoutMs: 10_000, settleMs: 100 } as const;

/** One open stream. */
export interface ClientStream {
  /** The grpc-js call: read 'data', and 'error'/'status' after `ended`. */
  readonly call: ClientReadableStream<Event__Output>;
  /** Resolves with the client-side end record (never rejects). */
  readonly ended: Promise<StreamEnd>;
  /** The stream's recorder (messages so far, trace id). */
  readonly recorder: StreamRecorder;
  /** Cancels the stream: RST_STREAM CANCEL on the live connection. */
  cancel(): void;
}

/** Per-call options. */
export interface SubscribeOptions {
  /** Deadline as an absolute Date. Default: none. */
  deadline?: Date;
}

/**
 * Creates the client; nothing connects until the first subscribe().
 * @param deps telemetry dependencies (the same kinds the server takes)
 */
export function createTickerClient(deps: RecorderDeps, options: TickerClientOptions) {
  let socket: SocketWatch | undefined;
  const channelOptions: ChannelOptions = {
    'grpc.keepalive_time_ms': options.keepaliveTimeMs ?? CLIENT_DEFAULTS.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs ?? CLIENT_DEFAULTS.keepaliveTimeoutMs,
    // Ping only while a stream is open: idle pings need the server's permission (gRFC A8).
    'grpc.keepalive_permit_without_calls': 0,
    // No transparent retries: a retried stream would hide the very end the lab shows.
    'grpc.enable_retries': 0,
  };
  const Ticker = loadTickerProto().streamlab.v1.Ticker;
  const credentials = createWatchedCredentials((connected) => (socket = watchSocketFate(connected)));
  const client = new Ticker(options.target, credentials, channelOptions);

  return {
    /**
     * Opens a Subscribe stream. Call it inside the context whose baggage carries the
     * scenario name (and whose span should parent the CLIENT span).
     */
    subscribe(request: SubscribeRequest, callOptions: SubscribeOptions = {}): ClientStream {
      const observation = observeClientStream(deps, {
        currentSocket: () => socket,
        settleMs: options.settleMs ?? CLIENT_DEFAULTS.settleMs,
      });
      const call = client.subscribe(request, {
        interceptors: [observation.interceptor],
        ...(callOptions.deadline ? { deadline: callOptions.deadline } : {}),
      });
      // Errors are observed through `ended`; a stream with no 'error' listener would throw.
      call.on('error', () => {});
      const recorder = observation.recorder();
      if (!recorder) throw new Error('streamlab: the client interceptor did not start');
      return { call, ended: observation.ended, recorder, cancel: () => call.cancel() };
    },
    /** Closes the channel. */
    close(): void {
      client.close();
    },
  };
}

/** The client built by {@link createTickerClient}. */
export type TickerClient = ReturnType<typeof createTickerClient>;
