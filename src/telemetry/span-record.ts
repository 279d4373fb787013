/**
 * A finished span as plain JSON, so a child process (a `streamlab serve` the scenario
 * runner started) can hand its spans to the runner over the IPC channel and the runner can
 * export them with its own (design §3: process faults). Only src/instrumentation.ts turns
 * SDK spans into records and back; everything else passes them along untouched.
 *
 * Times are OTel HrTime pairs `[seconds, nanoseconds]` since the epoch; attribute values
 * are the OTel attribute values (strings, numbers, booleans and arrays of them).
 */
export type HrTimePair = [number, number];

/** Attribute map of a span, event, link or resource. */
export type RecordAttributes = Record<string, string | number | boolean | Array<string | number | boolean | null | undefined> | undefined>;

/** One finished span. */
export interface SpanRecord {
  name: string;
  /** OTel SpanKind (0 INTERNAL, 1 SERVER, 2 CLIENT, 3 PRODUCER, 4 CONSUMER). */
  kind: number;
  traceId: string;
  spanId: string;
  traceFlags: number;
  /** W3C tracestate header value, when the span had one. */
  traceState?: string;
  parent?: { spanId: string; traceFlags: number; isRemote: boolean };
  startTime: HrTimePair;
  endTime: HrTimePair;
  duration: HrTimePair;
  /** OTel SpanStatusCode (0 UNSET, 1 OK, 2 ERROR) and its message. */
  status: { code: number; message?: string };
  attributes: RecordAttributes;
  events: Array<{ name: string; time: HrTimePair; attributes?: RecordAttributes; droppedAttributesCount?: number }>;
  links: Array<{ traceId: string; spanId: string; traceFlags: number; attributes?: RecordAttributes }>;
  /** Attributes of the producing process's resource (service.name, process.pid, ...). */
  resource: RecordAttributes;
  scope: { name: string; version?: string; schemaUrl?: string };
  dropped: { attributes: number; events: number; links: number };
}
