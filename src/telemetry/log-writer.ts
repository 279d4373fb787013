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

const PHASE_RECORDS: Partial<Record<LifecyclePhase, { message: string; level: 'info' | 'warn' }>> = {
  'stream.cancel': { message: 'stream cancel', level: 'info' },
  'transport.close': { message: 'transport close', level: 'info' },
  'keepalive.timeout': { message: 'keepalive timeout', level: 'warn' },
  goaway: { message: 'goaway', level: 'info' },
};

/** The fields every lifecycle record of `call` carries. */
function fields(call: CallView, event: string): Record<string, unknown> {
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
    if (this.#enabled('debug')) this.#logger.debug('stream open', fields(call, 'stream.open'));
  }

  message(): void {}
  segment(): void {}
  backpressure(): void {}
  flush(): void {}

  phase(call: CallView, phase: LifecyclePhase, _atMs: number, detail: string | undefined): void {
    const record = PHASE_RECORDS[phase];
    if (!record || !this.#enabled(record.level)) return;
    this.#logger.log(record.level, record.message, { ...fields(call, phase), ...(phase === 'transport.close' && detail ? { close_kind: detail } : {}) });
  }

  event(call: CallView, name: string, attributes: Attributes, level: EventLevel): void {
    if (!this.#enabled(level)) return;
    this.#logger.log(level, name, { ...fields(call, name), ...attributes });
  }

  end(call: CallView, end: StreamEnd, input: EndInput): void {
    if (!this.#enabled('info')) return;
    this.#logger.info('stream end', {
      ...fields(call, 'stream.end'),
      end_cause: input.cause,
      grpc_code: input.grpcCode,
      messages_sent: end.sent,
      messages_received: end.received,
      ...(end.detectionMs !== undefined ? { detection_ms: Math.round(end.detectionMs * 100) / 100 } : {}),
      ...(input.connectError ? { connect_error: input.connectError } : {}),
      ...(end.attachments ?? {}),
    });
  }
}
