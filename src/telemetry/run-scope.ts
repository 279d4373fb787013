/**
 * A scenario run as the calls that belong to it see it: where their lifecycle records go
 * and when the cause of their end happened (for `streamlab.detection_ms`). A call finds its
 * run through the W3C baggage entry `streamlab.run` (the run's id), looked up in the
 * {@link RunDirectory} its server or client was given — never through a process-wide
 * store keyed by scenario name, so runs of the same scenario can overlap.
 */
import type { LifecycleObserver } from './lifecycle-event.ts';

/** One scenario run. */
export interface RunScope {
  /** Unique among the runs of its directory; carried in baggage as `streamlab.run`. */
  readonly id: string;
  /** The scenario's name (a catalogue name). */
  readonly scenario: string;
  /** Receives the lifecycle records of every call of the run, both sides. */
  readonly observer: LifecycleObserver;
  /** When the cause of the run's stream end happened (epoch ms), once it has. */
  causeAtMs(): number | undefined;
}

/** The runs calls may belong to, by id. */
export interface RunDirectory {
  /** The run `id` names, if it is open. */
  get(id: string): RunScope | undefined;
}
