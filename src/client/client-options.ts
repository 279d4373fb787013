/**
 * The options and call shapes every observed client shares (streamlab's own client, the
 * dynamic client of any method): channel settings with their defaults, per-call options,
 * and what an observed call hands back.
 */
import type { StreamEnd } from '../telemetry/lifecycle-event.ts';
import type { CallRecorder } from '../telemetry/call-recorder.ts';

/** Client options; every field but `target` has a default. */
export interface StreamlabClientOptions {
  /**
   * `host:port` of the server (or of a proxy in front of it), or any grpc-js target:
   * `ipv4:127.0.0.1:7071,127.0.0.1:7072` or `dns:host:port` for several backends.
   */
  target: string;
  /**
   * Load-balancing policy over the target's addresses. Default `pick_first` (grpc's own
   * default). `round_robin` connects to every address and spreads calls over the READY ones
   * (gRPC load-balancing doc); calls started before more than one is READY all go to the first.
   */
  loadBalancing?: 'pick_first' | 'round_robin';
  /**
   * Interval between the client's keepalive PINGs while a call is open, ms. Default
   * 30,000: the same reasoning as the server's (src/server/create-server.ts). grpc-core and
   * grpc-go servers refuse pings more often than every 5 min by default (gRFC A8) and
   * answer with GOAWAY ENHANCE_YOUR_CALM; grpc-js servers, like ours, do not enforce it.
   * 0 sends no PINGs at all: a frozen server is then never noticed (design §1).
   */
  keepaliveTimeMs?: number;
  /** How long a PING may go unanswered before the client drops the connection, ms. Default 10,000. */
  keepaliveTimeoutMs?: number;
  /** How long to wait for the socket's fate after an UNAVAILABLE-like status, ms. Default 100. */
  settleMs?: number;
  /**
   * A `dns:` target: the least time between two resolutions, ms (grpc-js
   * `grpc.dns_min_time_between_resolutions_ms`). Default grpc-js's 30,000.
   */
  dnsMinTimeBetweenResolutionsMs?: number;
}

/** Defaults of {@link StreamlabClientOptions}. */
export const CLIENT_DEFAULTS = { keepaliveTimeMs: 30_000, keepaliveTimeoutMs: 10_000, settleMs: 100 } as const;

/** One observed call of any kind. */
export interface ObservedCall<Call> {
  /** The grpc-js call: read 'data' (streams), write (client streams); 'error'/'status' after `ended`. */
  readonly call: Call;
  /** Resolves with the client-side end record (never rejects). */
  readonly ended: Promise<StreamEnd>;
  /** The call's recorder (messages so far, trace id). */
  readonly recorder: CallRecorder;
  /** Cancels the call: RST_STREAM CANCEL on the live connection. */
  cancel(): void;
}

/** An observed call with a single response (unary, client streaming). */
export interface ObservedUnaryCall<Call, Response> extends ObservedCall<Call> {
  /** The response, or undefined when the call ended without one (see `ended` for why). Never rejects. */
  readonly response: Promise<Response | undefined>;
}

/** Per-call options. */
export interface ClientCallOptions {
  /** Deadline as an absolute Date. Default: none. */
  deadline?: Date;
  /** Wait for the channel to be READY instead of failing fast when it cannot connect. Default false. */
  waitForReady?: boolean;
}

