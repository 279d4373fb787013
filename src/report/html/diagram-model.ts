/**
 * The shape of a scenario run's sequence diagram (diagram-data.ts builds it, diagram-labels.ts
 * words it, diagram-view.js draws it in the browser): lanes, the items on them, the detection
 * arrows, all on one time axis in ms since the scenario started.
 */
import type { LifecyclePhase } from '../../core/lifecycle-events.ts';
import type { Side } from '../../telemetry/metrics.ts';

/** A lane: the two sides, and between them the network (fault proxy) or the server process. */
export type LaneId = 'client' | 'network' | 'process' | 'server';

/**
 * What an item shows: a lifecycle phase (src/core/lifecycle-events.ts; its `diagram` says
 * whether it is one item per record or a band that collapses many), `messages` (the band of
 * `message` records), or one of the runner's own actions (`fault`, `resume`, `deadline`).
 */
export type DiagramEventName = Exclude<LifecyclePhase, 'message'> | 'messages' | 'fault' | 'resume' | 'deadline';

/** One thing drawn on a lane. */
export interface DiagramItem {
  event: DiagramEventName;
  lane: LaneId;
  /** Which side recorded it (lifecycle events); absent on the runner's own actions. */
  side?: Side;
  /** When, ms since the scenario started (0.1 ms resolution). */
  atMs: number;
  /** Bands: the last record's time, ms since the scenario started. */
  untilMs?: number;
  /** The visible label, without the time (the view adds it). */
  label: string;
  /** Bands: how many records it collapses (messages: sent + received from the side's end record, exact beyond the record cap). */
  count?: number;
  /** Bands: the time of each record drawn, ms since the scenario started (at most the recorder's cap). */
  ticksMs?: number[];
  /** `fault`: the runner's action (reset, blackhole, close, kill, terminate, freeze, no-server). */
  kind?: string;
}

/** How long one side took to notice the cause, ms; drawn from the cause to that side's end. */
export interface DiagramDetection {
  side: Side;
  /** The cause (the runner's first action), ms since the scenario started. */
  fromMs: number;
  /** That side's end, ms since the scenario started. */
  toMs: number;
  /** The side's own `detection_ms`, 0.1 ms resolution. */
  ms: number;
}

/** The whole diagram of one run. */
export interface DiagramData {
  scenario: string;
  rpc: string;
  /** Length of the time axis, ms (at least 1). */
  durationMs: number;
  /** Left to right: client, network or process, server. */
  lanes: Array<{ id: LaneId; label: string }>;
  /** Sorted by lane, then time. */
  items: DiagramItem[];
  detection: DiagramDetection[];
  /** The lane of the cause (where the detection arrows start), when there is one. */
  causeLane?: LaneId;
  /** A lane with nothing recorded says why (a killed server, no server, not observed). */
  notes: Array<{ lane: LaneId; text: string }>;
}
