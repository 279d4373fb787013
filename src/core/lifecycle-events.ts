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
  /** When it is recorded, and what it carries: one sentence (docs/reference.md shows it). */
  meaning: string;
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
  'message': { meaning: 'A message sent or received (`rpc.message.type` SENT or RECEIVED, `rpc.message.id`, `rpc.message.uncompressed_size`); the first 100 per direction and span, the counts stay exact in `streamlab.messages.*`.', timeline: { char: '·', legend: 'message' }, diagram: { band: (n: number) => plural(n, 'message', 'messages') } },
  'backpressure.wait': { meaning: "A child span, not an event: a write() returned false and the writer waited for 'drain' (1 ms or more).", timeline: { char: 'b', legend: 'backpressure wait' }, diagram: { band: (n: number) => `${plural(n, 'backpressure wait', 'backpressure waits')} (write() returned false)` } },
  'stream.open': { meaning: 'The call started: the client sent its headers, or the server received them.', timeline: { char: 'o', legend: 'open' }, diagram: { item: 'open' } },
  'delivery.redeliver': { meaning: 'Server side (Delivery/Exchange): a message not acknowledged within the ack timeout was sent again (`streamlab.delivery.message_id`, `streamlab.delivery.attempt`).', timeline: { char: 'r', legend: 'redelivery' }, diagram: { band: (n: number) => plural(n, 'redelivery', 'redeliveries') } },
  'delivery.exhausted': { meaning: 'Server side (Delivery/Exchange): a message was given up on after its last redelivery went unacknowledged (`streamlab.delivery.message_id`).', timeline: { char: 'X', legend: 'exhausted' }, diagram: { band: (n: number) => `${plural(n, 'message', 'messages')} exhausted` } },
  'goaway': { meaning: 'The connection got a GOAWAY: a drain, a shutdown, or one the server sent to one connection (`streamlab.http2.error_code`, `streamlab.http2.last_stream_id`).', timeline: { char: 'g', legend: 'GOAWAY' }, diagram: { item: 'GOAWAY' } },
  'transport.close': { meaning: 'The TCP connection under the call closed (`streamlab.transport.close_kind` fin, rst or local).', timeline: { char: 'c', legend: 'transport close' }, diagram: { item: 'transport close' } },
  'keepalive.timeout': { meaning: 'A keepalive PING went unacknowledged in time: the peer is silent (blackhole, SIGSTOP).', timeline: { char: 'k', legend: 'keepalive timeout' }, diagram: { item: 'keepalive timeout (PING not acknowledged)' } },
  'stream.cancel': { meaning: 'The call was cancelled: by this client, or (server side) by an RST_STREAM CANCEL from the peer.', timeline: { char: 'x', legend: 'cancel' }, diagram: { item: 'cancel' } },
  'stream.end': { meaning: 'The call ended on this side, with `streamlab.end_cause` and the status; the last event of every call.', timeline: { char: 'E', legend: 'end' }, diagram: { item: 'end' } },
  'delivery.ack': { meaning: 'Server side (Delivery/Exchange): an ACK arrived (`streamlab.delivery.message_id`, `streamlab.delivery.ack_latency_ms`); the first 100 per span.' },
  'delivery.duplicate': { meaning: 'Client side (Delivery/Exchange): a message id arrived again after it was delivered; it is not delivered twice.' },
  'backpressure.overflow': {
    meaning: "Server side: a stream's reader fell so far behind that its queue passed the bound (`streamlab.backpressure.*` bytes); the stream ends RESOURCE_EXHAUSTED.",
  },
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
