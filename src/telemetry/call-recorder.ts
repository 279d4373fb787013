/**
 * The record of one call on one side, for every RPC kind: its identity, its exact message
 * counts and segment state, from `stream.open` to the end cause (design §4). The RPC layer
 * (src/rpc/) drives it and decides *why* a call ended; the recorder hands every moment to
 * the writers (call-writer.ts) and decides nothing.
 *
 * One instance per call, methods on the prototype: the per-message path is an integer
 * increment and two comparisons; writers hear of a message only for the first
 * `messageEventCap` of each direction, and of segments every `segmentMessages`.
 */
import type { Attributes, Span } from '@opentelemetry/api';
import { nowMs } from '../core/clock.ts';
import { END_CAUSE_EVENTS } from '../core/end-cause.ts';
import type { MethodInfo } from '../core/method-info.ts';
import type { CallView, CallWriter, EndInput, EventLevel } from './call-writer.ts';
import type { LifecyclePhase, Side, StreamEnd } from './lifecycle-event.ts';
import type { RunScope } from './run-scope.ts';

/** What a recorder needs from the telemetry that made it (call-telemetry.ts). */
export interface CallHub {
  readonly writers: readonly CallWriter[];
  readonly messageEventCap: number;
  /** Messages per `stream.segment`, both directions counted. */
  readonly segmentMessages: number;
  /** Starts or stops ticking the shared segment clock for `call`. */
  watchSegments(call: CallRecorder): void;
  unwatchSegments(call: CallRecorder): void;
}

/** Who the recorder tells once the end record is final (every writer has run). */
export interface CallEndListener {
  callRecorded(end: StreamEnd): void;
}

/** Identity of a call being recorded. */
export interface CallIdentity {
  side: Side;
  streamId: string;
  method: MethodInfo;
  /** The `scenario` label value (a known scenario, `none` or `other`). */
  scenario: string;
  /** The raw baggage value, truncated, when it differs from the label. */
  scenarioRaw?: string;
  /** The RPC span. */
  span: Span;
  run?: RunScope;
  connectionId?: string;
}

/**
 * Something a service attaches to its call: a snapshot taken when the call ends, stored in
 * the end record under `key` (StreamEnd.attachments), and its span attributes.
 */
export interface EndAttachment<T> {
  readonly key: string;
  snapshot(): T;
  attributes(value: T): Attributes;
}

/** Records one call. Create it when the call opens; call `end` exactly once (later calls are ignored). */
export class CallRecorder implements CallView {
  readonly side: Side;
  readonly streamId: string;
  readonly method: MethodInfo;
  readonly scenario: string;
  readonly scenarioRaw: string | undefined;
  readonly span: Span;
  readonly traceId: string;
  readonly recording: boolean;
  readonly run: RunScope | undefined;
  readonly openedAtMs: number;
  connectionId: string | undefined;
  sent = 0;
  received = 0;
  flushedSent = 0;
  flushedReceived = 0;
  /** The end record, once `end` was called (final once the listener heard of it). */
  endRecord: StreamEnd | undefined;
  /** The current segment: its index, start and message counts; index -1 when not segmenting. */
  segmentIndex: number;
  segmentStartMs: number;
  segmentSent = 0;
  segmentReceived = 0;
  #attachments: Array<EndAttachment<unknown>> | undefined;
  /** The lifecycle phases recorded so far (rare: most calls record none before their end). */
  #phases: Set<LifecyclePhase> | undefined;
  readonly #hub: CallHub;
  readonly #listener: CallEndListener;

  constructor(hub: CallHub, identity: CallIdentity, listener: CallEndListener, openedAtMs = nowMs()) {
    this.#hub = hub;
    this.#listener = listener;
    this.side = identity.side;
    this.streamId = identity.streamId;
    this.method = identity.method;
    this.scenario = identity.scenario;
    this.scenarioRaw = identity.scenarioRaw;
    this.span = identity.span;
    this.recording = identity.span.isRecording();
    this.traceId = this.recording ? identity.span.spanContext().traceId : '';
    this.run = identity.run;
    this.connectionId = identity.connectionId;
    this.openedAtMs = openedAtMs;
    this.segmentStartMs = openedAtMs;
    // Segments are spans: a stream whose span does not record has none; unary calls have none.
    this.segmentIndex = this.recording && identity.method.kind !== 'unary' ? 0 : -1;
    for (const writer of hub.writers) writer.open(this);
    if (this.segmentIndex === 0) hub.watchSegments(this);
  }

  /** Records that this side sent `message` (its size is computed only for a message event). */
  sentMessage(message: unknown): void {
    const n = ++this.sent;
    if (n <= this.#hub.messageEventCap) for (const writer of this.#hub.writers) writer.message(this, 'SENT', n, message);
    if (this.segmentIndex >= 0 && ++this.segmentSent + this.segmentReceived >= this.#hub.segmentMessages) this.closeSegment();
  }

  /** Records that this side received `message`. */
  receivedMessage(message: unknown): void {
    const n = ++this.received;
    if (n <= this.#hub.messageEventCap) for (const writer of this.#hub.writers) writer.message(this, 'RECEIVED', n, message);
    if (this.segmentIndex >= 0 && this.segmentSent + ++this.segmentReceived >= this.#hub.segmentMessages) this.closeSegment();
  }

  /** Closes the current `stream.segment` now (when full, on the shared clock's tick, or at the end). */
  closeSegment(endMs = nowMs()): void {
    if (this.segmentIndex < 0) return;
    for (const writer of this.#hub.writers) writer.segment(this, this.segmentIndex, this.segmentStartMs, endMs, this.segmentSent, this.segmentReceived);
    this.segmentIndex += 1;
    this.segmentStartMs = endMs;
    this.segmentSent = 0;
    this.segmentReceived = 0;
    for (const writer of this.#hub.writers) writer.flush(this);
  }

  /** Adds the message counts since the last flush to the counters (a scrape asks for it). */
  flushCounts(): void {
    for (const writer of this.#hub.writers) writer.flush(this);
  }

  /** The call was cancelled (RST_STREAM CANCEL seen, or this client called cancel()). */
  cancel(atMs = nowMs()): void {
    this.#phase('stream.cancel', atMs, undefined);
  }

  #phase(phase: LifecyclePhase, atMs: number, detail: string | undefined): void {
    if (this.endRecord) return;
    (this.#phases ??= new Set()).add(phase);
    for (const writer of this.#hub.writers) writer.phase(this, phase, atMs, detail);
  }

  /**
   * A protocol event of the service (e.g. `delivery.ack`) on the RPC span, with a log
   * record at `level`; `lifecyclePhase` (and its `detail`) when the timeline draws it.
   */
  event(name: string, attributes: Attributes, level: EventLevel = 'debug', lifecyclePhase?: LifecyclePhase, detail?: string): void {
    if (this.endRecord) return;
    if (lifecyclePhase) (this.#phases ??= new Set()).add(lifecyclePhase);
    for (const writer of this.#hub.writers) writer.event(this, name, attributes, level, lifecyclePhase, detail);
  }

  /** A wait for 'drain' begins now; returns its start time for {@link backpressureWaited}. */
  backpressureWaiting(startMs = nowMs()): number {
    for (const writer of this.#hub.writers) writer.backpressure(this, startMs, undefined);
    return startMs;
  }

  /** The wait for 'drain' that began at `startMs` ended (a `backpressure.wait` span only for waits of 1 ms or more). */
  backpressureWaited(startMs: number, endMs = nowMs()): void {
    for (const writer of this.#hub.writers) writer.backpressure(this, startMs, endMs);
  }

  /** Attaches `attachment`: its snapshot goes into the end record and its attributes onto the span. */
  attach<T>(attachment: EndAttachment<T>): void {
    (this.#attachments ??= []).push(attachment as EndAttachment<unknown>);
  }

  /**
   * Records the end (for `connect_failed`, with nothing sent): the event its cause implies when the call has not recorded it yet
   * (core/end-cause.ts END_CAUSE_EVENTS, at `endedAtMs`) and `transport.close` when the input
   * names how the connection closed; then the record, then every writer (span attributes and
   * status, metrics, the log record, the lifecycle record); the listener hears of the final
   * record last. Detection latency is measured from the run's cause time when the call
   * belongs to a run.
   * @param endedAtMs when this side noticed the end, epoch ms
   * @returns the end record (in span mode `contrib` its `stockSpan` is filled in later)
   */
  end(input: EndInput, endedAtMs = nowMs()): StreamEnd {
    if (this.endRecord) return this.endRecord;
    // No connection ever carried the call: what the application handed it never left this
    // process, so nothing counts as sent (unless a scrape already counted it).
    if (input.cause === 'connect_failed' && this.flushedSent === 0) this.segmentSent = this.sent = 0;
    const causePhase: LifecyclePhase | undefined = END_CAUSE_EVENTS[input.cause as keyof typeof END_CAUSE_EVENTS];
    if (causePhase && !this.#phases?.has(causePhase)) this.#phase(causePhase, endedAtMs, undefined);
    if (input.closeKind) this.#phase('transport.close', input.closedAtMs ?? endedAtMs, input.closeKind);
    if (this.segmentIndex >= 0) {
      this.#hub.unwatchSegments(this);
      if (this.segmentIndex > 0 && this.segmentSent + this.segmentReceived > 0) this.closeSegment(endedAtMs);
      this.segmentIndex = -1;
    }
    const causeAt = this.run?.causeAtMs();
    const detectionMs = causeAt !== undefined && endedAtMs >= causeAt ? endedAtMs - causeAt : undefined;
    let attachments: Record<string, unknown> | undefined;
    let attributes: Attributes | undefined;
    for (const attachment of this.#attachments ?? []) {
      const value = attachment.snapshot();
      (attachments ??= {})[attachment.key] = value;
      attributes = { ...attributes, ...attachment.attributes(value) };
    }
    const dataIsSent = this.method.kind === 'client_stream' ? this.side === 'client' : this.side === 'server';
    const record: StreamEnd = {
      side: this.side, streamId: this.streamId, scenario: this.scenario, traceId: this.traceId,
      rpc: this.method.kind, service: this.method.service, method: this.method.method,
      endCause: input.cause, grpcCode: input.grpcCode, details: input.details,
      messages: dataIsSent ? this.sent : this.received, sent: this.sent, received: this.received,
      openedAtMs: this.openedAtMs, endedAtMs,
      ...(this.run ? { runId: this.run.id } : {}),
      ...(detectionMs !== undefined ? { detectionMs } : {}),
      ...(this.connectionId ? { connectionId: this.connectionId } : {}),
      ...(input.closeKind ? { closeKind: input.closeKind } : {}),
      ...(input.connectError ? { connectError: input.connectError } : {}),
      ...(attachments ? { attachments } : {}),
    };
    this.endRecord = record;
    const endInput = attributes ? { ...input, attributes } : input;
    const writers = this.#hub.writers;
    for (let index = 0; index < writers.length; index++) {
      const pending = (writers[index] as CallWriter).end(this, record, endInput);
      if (pending) {
        // Span mode contrib: the span writer is waiting to see who ends the span; the rest follow it.
        void pending.then((stock) => {
          if (stock) record.stockSpan = stock;
          for (const writer of writers.slice(index + 1)) void writer.end(this, record, endInput);
          this.#listener.callRecorded(record);
        });
        return record;
      }
    }
    this.#listener.callRecorded(record);
    return record;
  }
}
