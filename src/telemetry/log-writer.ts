/**
 * Writes a call's telemetry as winston log records (design §4): `stream open` (debug),
 * `stream cancel`, `transport close`, `goaway` (info), `keepalive timeout` (warn), the
 * service's protocol events at their own level, and `stream end` (info) with the end
 * cause. Every record carries `event`, `side`, `scenario`, `stream_id`, the RPC kind and
 * method, and the call's `trace_id` / `span_id`.
 */
import type { Attributes } from '@opentelemetry/api';
import type { CallView, CallWriter, EndInput, EventLevel } from './call-writer.ts';
import type { LifecyclePhase, StreamEnd } from './lifecycle-event.ts';
import type { Logger } from './logger.ts';

/** A lifecycle log record: its message and level. */
export interface LogRecordSpec {
  message: string;
  level: 'debug' | 'info' | 'warn';
}

/**
 * The lifecycle records the log writer writes, by event (docs/reference.md "Logs"); the
 * service's protocol events (`delivery.*`, `backpressure.overflow`) are written too, with
 * their own name as message and their own level.
 */
export const LIFECYCLE_LOG_RECORDS = {
  'stream.open': { message: 'stream open', level: 'debug' },
  'stream.cancel': { message: 'stream cancel', level: 'info' },
  'transport.close': { message: 'transport close', level: 'info' },
  'keepalive.timeout': { message: 'keepalive timeout', level: 'warn' },
  'goaway': { message: 'goaway', level: 'info' },
  'stream.end': { message: 'stream end', level: 'info' },
} as const satisfies Partial<Record<LifecyclePhase, LogRecordSpec>>;

/** The records of phases the recorder reports (`stream.open` and `stream.end` have methods of their own). */
const { 'stream.open': _open, 'stream.end': _end, ...phaseRecords } = LIFECYCLE_LOG_RECORDS;
const PHASE_RECORDS: Partial<Record<LifecyclePhase, LogRecordSpec>> = phaseRecords;

/**
 * Every field of the lifecycle records and what it holds (docs/reference.md "Logs"). A record
 * also has winston's `level`, `message` and `timestamp`; protocol events add their span
 * event's attributes, `stream end` the service's attachments (e.g. `delivery`).
 */
export const LOG_FIELDS = {
  event: 'the event of the stream\'s life (`stream.open`, …, `stream.end`, or a protocol event such as `delivery.redeliver`)',
  side: '`server` or `client`',
  scenario: 'the scenario label: a known scenario name, `none` or `other`',
  stream_id: 'unique per side and process: `s-3` (server), `c-3` (client)',
  rpc_kind: '`unary`, `client_stream`, `server_stream` or `bidi_stream`',
  rpc_method: 'the method\'s path, `/package.Service/Method`',
  trace_id: 'hex trace id of the call\'s RPC span; every record written inside a span carries it',
  span_id: 'hex span id of that span',
  close_kind: '`transport close`: `fin`, `rst` or `local`',
  end_cause: '`stream end`: the end cause',
  grpc_code: '`stream end`: the gRPC status code sent (server) or received (client), a number',
  messages_sent: '`stream end`: messages this side sent',
  messages_received: '`stream end`: messages this side received',
  detection_ms: '`stream end`: ms from the cause to this side noticing, when the cause time is known',
  connect_error: '`stream end`, `connect_failed`: the OS error (`ECONNREFUSED`, …, `name not resolved`)',
} as const;

/** The fields of a lifecycle record (checked against {@link LOG_FIELDS}). */
type LogFields = Partial<Record<keyof typeof LOG_FIELDS, unknown>>;

/** The fields every lifecycle record of `call` carries. */
function fields(call: CallView, event: string): LogFields {
  return {
    event, side: call.side, scenario: call.scenario, stream_id: call.streamId,
    rpc_kind: call.method.kind, rpc_method: call.method.path,
    ...(call.recording ? { trace_id: call.traceId, span_id: call.span.spanContext().spanId } : {}),
  };
}

/** The log writer. A silent logger (winston's `silent`) costs a call nothing: no record is built. */
export class LogWriter implements CallWriter {
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Whether a record at `level` would be written (winston builds and pipes it even when silent). */
  #enabled(level: string): boolean {
    return !this.#logger.silent && this.#logger.isLevelEnabled(level);
  }

  open(call: CallView): void {
    const { message, level } = LIFECYCLE_LOG_RECORDS['stream.open'];
    if (this.#enabled(level)) this.#logger.log(level, message, fields(call, 'stream.open'));
  }

  message(): void {}
  segment(): void {}
  backpressure(): void {}
  flush(): void {}

  phase(call: CallView, phase: LifecyclePhase, _atMs: number, detail: string | undefined): void {
    const record = PHASE_RECORDS[phase];
    if (!record || !this.#enabled(record.level)) return;
    this.#logger.log(record.level, record.message, { ...fields(call, phase), ...(phase === 'transport.close' && detail ? { close_kind: detail } : {}) } satisfies LogFields);
  }

  event(call: CallView, name: string, attributes: Attributes, level: EventLevel): void {
    if (!this.#enabled(level)) return;
    this.#logger.log(level, name, { ...fields(call, name), ...attributes });
  }

  end(call: CallView, end: StreamEnd, input: EndInput): void {
    const { message, level } = LIFECYCLE_LOG_RECORDS['stream.end'];
    if (!this.#enabled(level)) return;
    const record = {
      ...fields(call, 'stream.end'),
      end_cause: input.cause,
      grpc_code: input.grpcCode,
      messages_sent: end.sent,
      messages_received: end.received,
      ...(end.detectionMs !== undefined ? { detection_ms: Math.round(end.detectionMs * 100) / 100 } : {}),
      ...(input.connectError ? { connect_error: input.connectError } : {}),
    } satisfies LogFields;
    this.#logger.log(level, message, { ...record, ...(end.attachments ?? {}) });
  }

}
