/**
 * The observation of one server call as its handler sees it, and where the handler finds
 * it: `observationOf(call)` (or just `callSignal(call)`). The observation layer
 * (observe-server-call.ts) registers one for every call of every observed method.
 */
import type { EndCause } from '../../core/end-cause.ts';
import type { StreamRecorder } from '../../telemetry/stream-recorder.ts';
import type { StreamEnd } from '../../telemetry/lifecycle-event.ts';

/** The observation of one server call. */
export interface ServerCallObservation {
  readonly recorder: StreamRecorder;
  /** Aborted as soon as the call ends, whoever ended it: stop working on it then. */
  readonly signal: AbortSignal;
  /** Resolves with the end record once the call has ended on this side. Never rejects. */
  readonly ended: Promise<StreamEnd>;
  /** The tracked TCP connection that carries the call (`conn-N`), when known. */
  readonly connectionId?: string;
  /**
   * Ends the call with the status `error` maps to (core/errors.ts `toStatus`); `cause`
   * defaults to failed (deadline_exceeded for DEADLINE_EXCEEDED). No-op once ended.
   */
  fail(error: unknown, cause?: EndCause): void;
}

const observations = new WeakMap<object, ServerCallObservation>();

/** Makes `observation` the one `observationOf(call)` returns. */
export function registerObservation(call: object, observation: ServerCallObservation): void {
  observations.set(call, observation);
}

/** The observation of `call`, if the call belongs to an observed method. */
export function observationOf(call: object): ServerCallObservation | undefined {
  return observations.get(call);
}

/**
 * The signal of `call`'s observation: aborted as soon as the call ends, whoever ended it.
 * @throws Error when `call` is not observed (its handler was not registered through createServer)
 */
export function callSignal(call: object): AbortSignal {
  const observation = observations.get(call);
  if (!observation) throw new Error('streamlab: this call is not observed; register its service through createServer');
  return observation.signal;
}
