/**
 * The events of a stream's life, declared once (design §4 "Events"). Each name is a span
 * event on the call's RPC span (src/telemetry/semconv.ts exports them as `EVENT_*`;
 * `backpressure.wait` is a child span, `SPAN_BACKPRESSURE_WAIT`). Those with a `timeline`
 * entry are also lifecycle records (src/telemetry/lifecycle-event.ts, `phase`): the text
 * timeline marks them (src/scenarios/timeline.ts) and the HTML report's sequence diagram draws
 * them (src/report/html/diagram-data.ts), one item per record or, with `band`, one band per
 * side for all the records of a run.
 *
 * A new event is one entry here; record it with `CallRecorder.event(name, attributes, level,
 * phase)` (src/telemetry/call-recorder.ts) and every signal writes it.
 */

/** How the text timeline marks a lifecycle record. */
export interface TimelineMark {
  /** One character on the time axis. */
  char: string;
  /** The legend's word for it. */
  legend: string;
}

/** How the sequence diagram draws a lifecycle record: one item with a label, or one band of them per side. */
export type DiagramDrawing =
  | { item: string }
  /** The band's label for `count` records. */
  | { band: (count: number) => string };

/** One event of a stream's life. */
export interface StreamEventSpec {
  /** Present when the event is a lifecycle record too (`LifecyclePhase`). */
  timeline?: TimelineMark;
  /** How the report's diagram draws it; lifecycle records only. */
  diagram?: DiagramDrawing;
}

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

/**
 * Every event of a stream's life, by name. Lifecycle records come first, in the order their
 * timeline markers win a shared column (a later one wins): `message` least, `stream.end` most.
 */
export const STREAM_EVENTS = {
  'message': { timeline: { char: '·', legend: 'message' }, diagram: { band: (n: number) => plural(n, 'message', 'messages') } },
  'backpressure.wait': { timeline: { char: 'b', legend: 'backpressure wait' }, diagram: { band: (n: number) => `${plural(n, 'backpressure wait', 'backpressure waits')} (write() returned false)` } },
  'stream.open': { timeline: { char: 'o', legend: 'open' }, diagram: { item: 'open' } },
  'delivery.redeliver': { timeline: { char: 'r', legend: 'redelivery' }, diagram: { band: (n: number) => plural(n, 'redelivery', 'redeliveries') } },
  'delivery.exhausted': { timeline: { char: 'X', legend: 'exhausted' }, diagram: { band: (n: number) => `${plural(n, 'message', 'messages')} exhausted` } },
  'goaway': { timeline: { char: 'g', legend: 'GOAWAY' }, diagram: { item: 'GOAWAY' } },
  'transport.close': { timeline: { char: 'c', legend: 'transport close' }, diagram: { item: 'transport close' } },
  'keepalive.timeout': { timeline: { char: 'k', legend: 'keepalive timeout' }, diagram: { item: 'keepalive timeout (PING not acknowledged)' } },
  'stream.cancel': { timeline: { char: 'x', legend: 'cancel' }, diagram: { item: 'cancel' } },
  'stream.end': { timeline: { char: 'E', legend: 'end' }, diagram: { item: 'end' } },
  /** An ACK arrived (Delivery/Exchange). */
  'delivery.ack': {},
  /** Client side: a message id arrived again after it was delivered (not delivered twice). */
  'delivery.duplicate': {},
  /** Server side: a stream's reader fell so far behind that its queue passed the bound; the stream ends RESOURCE_EXHAUSTED. */
  'backpressure.overflow': {},
} as const satisfies Record<string, StreamEventSpec>;

/** The name of an event of a stream's life. */
export type StreamEventName = keyof typeof STREAM_EVENTS;

/** The events that are lifecycle records too: those with a timeline mark. */
export type LifecyclePhase = { [K in StreamEventName]: (typeof STREAM_EVENTS)[K] extends { timeline: TimelineMark } ? K : never }[StreamEventName];

/** Every lifecycle phase, in the order their timeline markers win a shared column (a later one wins). */
export const LIFECYCLE_PHASES = (Object.keys(STREAM_EVENTS) as StreamEventName[])
  .filter((name): name is LifecyclePhase => 'timeline' in STREAM_EVENTS[name]);

/** The spec of lifecycle phase `phase` (its timeline mark and diagram drawing). */
export function phaseSpec(phase: LifecyclePhase): { timeline: TimelineMark; diagram: DiagramDrawing } {
  return STREAM_EVENTS[phase];
}
