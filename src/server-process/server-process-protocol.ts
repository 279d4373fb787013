/**
 * The IPC protocol between the scenario runner and a `streamlab serve` it started as a
 * child process (process faults, design §3). Messages are plain JSON over Node's IPC
 * channel (`child_process` stdio 'ipc').
 *
 * Child → parent: `listening` once the gRPC port is bound; every lifecycle `event` and
 * `end` of its streams; its finished `spans`; `ack` of a request; `metrics`, its whole
 * registry (prom-client's JSON form) once it has shut down, the last scrape it can give
 * (`streamlab alerts` counts a process scenario's server side from it).
 * Parent → child: `open-run` (a scenario run whose calls the child will serve: they name it
 * in their baggage), `mark-cause` (the run's cause time, so the child's own
 * `streamlab.detection_ms` is right), `flush` (export every finished span now).
 *
 * A server of a fleet (`serve --topics parent`, started by `streamlab fleet`) also takes
 * its topic events from the parent, the fleet's relay (src/fleet/topic-relay.ts):
 * child → parent `follow` (a topic got its first listener: tick it) and `publish` (a
 * Notify to number and fan out, answered by `published`); parent → child `topic-history`
 * (what the relay kept, when the server joins) and `topic-event` (one numbered event,
 * acked with `value` = how many listeners received it); `status`, acked with `value` = the
 * calls open on the server.
 *
 * The subscribers of a Kubernetes lab (`streamlab lab-subscribers`, src/cli/lab-subscribers-command.ts)
 * speak the same protocol: `listening` once they stream, their `end`s and `spans`; parent →
 * child `subscribe` (start `count` more, acked) and `views` (acked with every subscriber's view).
 */
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { TopicEvent } from '../services/topic-log.ts';
import type { LifecycleEvent, StreamEnd } from '../telemetry/lifecycle-event.ts';
import type { SpanRecord } from '../telemetry/span-record.ts';

/** Environment variable the parent sets so the child reports to it over IPC. */
export const REPORT_TO_PARENT_ENV = 'STREAMLAB_REPORT_TO_PARENT';

/** What a reporting child sends. */
export type ChildMessage =
  | { type: 'listening'; host: string; port: number; metricsPort: number }
  | { type: 'event'; event: LifecycleEvent }
  | { type: 'end'; end: StreamEnd }
  | { type: 'spans'; spans: SpanRecord[] }
  | { type: 'metrics'; metrics: MetricObjectWithValues<MetricValue<string>>[] }
  /**
   * `views`: the answer to `views` from a lab's subscribers, each a SubscriberView of
   * src/fleet/subscriber.ts, carried as plain JSON (the protocol sits below the fleet).
   */
  | { type: 'ack'; id: number; value?: number; views?: unknown[] }
  | { type: 'follow'; topic: string }
  | { type: 'publish'; id: number; topic: string; text: string };

/** What the parent asks; the child answers each with an `ack` of the same id, but `published`, itself the answer to a `publish`. */
export type ParentMessage =
  | { type: 'open-run'; id: number; runId: string; scenario: string }
  | { type: 'mark-cause'; id: number; runId: string; atMs: number }
  | { type: 'flush'; id: number }
  | { type: 'topic-history'; id: number; topics: Record<string, TopicEvent[]> }
  | { type: 'topic-event'; id: number; topic: string; event: TopicEvent }
  | { type: 'published'; id: number; delivered: number }
  | { type: 'status'; id: number }
  | { type: 'subscribe'; id: number; count: number }
  | { type: 'views'; id: number };

/** A {@link ParentMessage} before the sender numbers it. */
export type ParentRequest = ParentMessage extends infer M ? (M extends unknown ? Omit<M, 'id'> : never) : never;

/** The child's end of the IPC channel, built by src/main.ts when the parent asked for reports. */
export interface ParentLink {
  /** Sends `message`; resolves once it was handed to the channel. Never rejects (a gone parent is ignored). */
  send(message: ChildMessage): Promise<void>;
  /** Calls `handler` with every message from the parent. */
  onMessage(handler: (message: ParentMessage) => void): void;
}

const CHILD_TYPES = new Set(['listening', 'event', 'end', 'spans', 'metrics', 'ack', 'follow', 'publish']);

/** True when `value` looks like a {@link ChildMessage} (the parent ignores anything else). */
export function isChildMessage(value: unknown): value is ChildMessage {
  return typeof value === 'object' && value !== null && CHILD_TYPES.has((value as { type?: unknown }).type as string);
}
