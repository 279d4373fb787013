/**
 * What each telemetry name of semconv.ts holds and where it appears: spans, span
 * attributes, the events that are not a stream's (those are src/core/lifecycle-events.ts),
 * metric labels and baggage keys. docs/reference.md ("Telemetry") is generated from these
 * tables and from metric-specs.ts; test/docs/reference.test.ts checks that every `ATTR_*`,
 * `SPAN_*`, `EVENT_*`, `LABEL_*` and `BAGGAGE_*` name of semconv.ts is described here or there.
 */
import { END_CAUSES } from '../core/end-cause.ts';
import { RPC_KINDS } from '../core/method-info.ts';
import * as sc from './semconv.ts';
import { SCENARIO_ATTRIBUTE_MAX_CHARS, SCENARIO_OTHER } from './scenario-label.ts';

/** Where an attribute or span appears, and what it holds. */
export interface NameDoc {
  /** Where it appears (the spans, events or records that carry it). */
  on: string;
  /** What it holds: meaning, unit, values. */
  meaning: string;
}

const RPC = 'RPC spans';
const CLIENT = 'CLIENT spans';
const SERVER = 'SERVER spans';
const ROOT = 'scenario root spans';
const EXCHANGE = 'RPC spans of Delivery/Exchange, at the end';
const ATTEMPT = 'fleet subscribers\' CLIENT spans';

/** Spans streamlab starts, by name (or name pattern). */
export const SPAN_DOCS: Readonly<Record<string, NameDoc>> = {
  'package.Service/Method': {
    on: 'CLIENT and SERVER, one each per call',
    meaning: 'the RPC spans, named per the OTel RPC semconv (`streamlab.v1.Ticker/Subscribe`); in span mode `contrib` @opentelemetry/instrumentation-grpc starts them and streamlab decorates them',
  },
  [sc.scenarioSpanName('<name>')]: { on: 'INTERNAL, the root of a scenario run', meaning: 'one run of a scenario: every call of the run is in its trace, with the expectation and the verdict' },
  [sc.SPAN_BACKPRESSURE_WAIT]: { on: 'child of an RPC span', meaning: "a write() returned false and the writer waited 1 ms or more for 'drain'" },
  [sc.SPAN_STREAM_SEGMENT]: { on: 'child of an RPC span', meaning: 'a slice of a long stream: every 30 s (shared clock) or 1,000 messages, with the slice\'s message counts' },
  [sc.SPAN_BUS_OUTAGE]: { on: 'INTERNAL, on a server on the bus', meaning: 'the bus connection lost, from the disconnect to the reconnect (events `bus.disconnect`, `bus.reconnect`)' },
};

/** Span events that are not events of a stream's life. */
export const OTHER_EVENT_DOCS: Readonly<Record<string, NameDoc>> = {
  [sc.EVENT_BUS_DISCONNECT]: { on: '`bus.outage`', meaning: 'the server lost its connection to the bus (`streamlab.bus.server`)' },
  [sc.EVENT_BUS_RECONNECT]: { on: '`bus.outage`', meaning: 'the server is connected to the bus again (`streamlab.bus.server`)' },
};

/** Span and event attributes, by name: the OTel semconv's first, then streamlab's own. */
export const ATTRIBUTE_DOCS: Readonly<Record<string, NameDoc>> = {
  [sc.ATTR_RPC_SYSTEM]: { on: RPC, meaning: '`grpc`' },
  [sc.ATTR_RPC_SERVICE]: { on: RPC, meaning: 'the full service name, `streamlab.v1.Ticker`' },
  [sc.ATTR_RPC_METHOD]: { on: RPC, meaning: 'the method name, `Subscribe`' },
  [sc.ATTR_RPC_GRPC_STATUS_CODE]: { on: RPC, meaning: 'the gRPC status code sent (server) or received (client), a number' },
  [sc.ATTR_SERVER_ADDRESS]: { on: RPC, meaning: 'CLIENT: the target\'s host; SERVER: the local address' },
  [sc.ATTR_SERVER_PORT]: { on: RPC, meaning: 'CLIENT: the target\'s port; SERVER: the local port' },
  [sc.ATTR_NETWORK_PEER_ADDRESS]: { on: RPC, meaning: 'the address of the other end of the connection' },
  [sc.ATTR_NETWORK_PEER_PORT]: { on: RPC, meaning: 'its port' },
  [sc.ATTR_RPC_MESSAGE_TYPE]: { on: '`message` events', meaning: '`SENT` or `RECEIVED`' },
  [sc.ATTR_RPC_MESSAGE_ID]: { on: '`message` events', meaning: '1-based number of the message in its direction' },
  [sc.ATTR_RPC_MESSAGE_UNCOMPRESSED_SIZE]: { on: '`message` events', meaning: 'serialized size of the message, bytes' },
  [sc.ATTR_ERROR_TYPE]: { on: CLIENT, meaning: '`connect_failed`: the OS error, e.g. `ECONNREFUSED`, or `name not resolved`' },
  [sc.ATTR_MESSAGING_SYSTEM]: { on: '`bus.outage`', meaning: '`nats`' },
  [sc.ATTR_END_CAUSE]: { on: `${RPC}, \`stream.end\``, meaning: `why the stream ended on this side: ${END_CAUSES.map((cause) => `\`${cause}\``).join(', ')}` },
  [sc.ATTR_DETECTION_MS]: { on: RPC, meaning: 'ms from the cause of the end (a cancel, a fault) to this side noticing it, when the cause time is known' },
  [sc.ATTR_MESSAGES_SENT]: { on: RPC, meaning: 'messages this side sent (exact, however many `message` events were kept)' },
  [sc.ATTR_MESSAGES_RECEIVED]: { on: RPC, meaning: 'messages this side received' },
  [sc.ATTR_CONNECTION_ID]: { on: SERVER, meaning: 'the TCP connection that carried the call, `conn-N`' },
  [sc.ATTR_SCENARIO]: { on: `${RPC}, ${ROOT}`, meaning: `the scenario name from W3C baggage, cut to ${SCENARIO_ATTRIBUTE_MAX_CHARS} characters (the \`scenario\` label is bounded)` },
  [sc.ATTR_STREAM_ID]: { on: `${RPC}, \`stream.segment\``, meaning: 'the stream\'s id, unique per side and process: `s-3`, `c-3`' },
  [sc.ATTR_RPC_KIND]: { on: `${RPC}, ${ROOT}`, meaning: RPC_KINDS.map((kind) => `\`${kind}\``).join(', ') },
  [sc.ATTR_TRANSPORT_CLOSE_KIND]: { on: '`transport.close` events', meaning: '`fin` (peer closed), `rst` (socket error), `local` (this side destroyed it)' },
  [sc.ATTR_SEGMENT_INDEX]: { on: '`stream.segment`', meaning: '0-based number of the segment in its stream' },
  [sc.ATTR_SPAN_ENDED_BY]: { on: `${RPC}, span mode \`contrib\``, meaning: '`streamlab` when streamlab ended a stock span the stock instrumentation never ends' },
  [sc.ATTR_HTTP2_ERROR_CODE]: { on: '`goaway` events', meaning: 'the GOAWAY\'s HTTP/2 error code name (RFC 9113 §7): `NO_ERROR`, `ENHANCE_YOUR_CALM`, …' },
  [sc.ATTR_HTTP2_LAST_STREAM_ID]: { on: '`goaway` events', meaning: 'the last stream id the GOAWAY named' },
  [sc.ATTR_BACKPRESSURE_QUEUED_BYTES]: { on: '`backpressure.overflow` events', meaning: 'bytes queued for the stream\'s reader' },
  [sc.ATTR_BACKPRESSURE_MESSAGE_BYTES]: { on: '`backpressure.overflow` events', meaning: 'bytes of the message that did not fit' },
  [sc.ATTR_BACKPRESSURE_LIMIT_BYTES]: { on: '`backpressure.overflow` events', meaning: 'the bound, bytes (`--max-queued-bytes`)' },
  [sc.ATTR_DELIVERY_SENT]: { on: EXCHANGE, meaning: 'distinct messages sent' },
  [sc.ATTR_DELIVERY_ACKED]: { on: EXCHANGE, meaning: 'messages acknowledged' },
  [sc.ATTR_DELIVERY_REDELIVERED]: { on: EXCHANGE, meaning: 'redelivery attempts' },
  [sc.ATTR_DELIVERY_EXHAUSTED]: { on: EXCHANGE, meaning: 'messages given up on' },
  [sc.ATTR_DELIVERY_DUPLICATES]: { on: EXCHANGE, meaning: 'duplicates the client received and did not deliver again' },
  [sc.ATTR_DELIVERY_UNACKED_IDS]: { on: EXCHANGE, meaning: 'ids still unacknowledged when the stream ended' },
  [sc.ATTR_DELIVERY_EXHAUSTED_IDS]: { on: EXCHANGE, meaning: 'ids given up on' },
  [sc.ATTR_DELIVERY_MESSAGE_ID]: { on: '`delivery.*` events', meaning: 'the message id the event is about' },
  [sc.ATTR_DELIVERY_ATTEMPT]: { on: '`delivery.redeliver` events', meaning: 'the attempt number (2 = the first redelivery)' },
  [sc.ATTR_DELIVERY_ACK_LATENCY_MS]: { on: '`delivery.ack` events', meaning: 'ms from the first send to the ACK' },
  [sc.ATTR_EXPECTED_CLIENT_END_CAUSE]: { on: ROOT, meaning: 'the end cause(s) the scenario expects on the client' },
  [sc.ATTR_EXPECTED_SERVER_END_CAUSE]: { on: ROOT, meaning: 'the end cause(s) it expects on the server' },
  [sc.ATTR_VERDICT]: { on: ROOT, meaning: '`ok` when both sides ended as expected, `mismatch` otherwise' },
  [sc.ATTR_FAULT_BACKEND]: { on: ROOT, meaning: 'what injected the fault: the embedded proxy, Toxiproxy, `nats-server`, …' },
  [sc.ATTR_BUS_RECOVERY_MS]: { on: 'root spans of bus scenarios', meaning: 'ms from the bus back (or its leader lost) to the follower\'s next event' },
  [sc.ATTR_BUS_SERVER]: { on: '`bus.outage` and its events', meaning: 'the NATS server (`host:port`) the event is about' },
  [sc.ATTR_BUS_OUTAGE_MS]: { on: '`bus.outage`', meaning: 'how long the bus was gone, ms' },
  [sc.ATTR_SUBSCRIBER_ID]: { on: ATTEMPT, meaning: 'the subscriber, stable across its attempts (each linked to the previous)' },
  [sc.ATTR_RESUME_ATTEMPT]: { on: ATTEMPT, meaning: 'the attempt number of the subscription' },
  [sc.ATTR_RESUME_AFTER_ID]: { on: ATTEMPT, meaning: 'the last event id received before, resumed after' },
  [sc.ATTR_RESUME_BACKOFF_MS]: { on: ATTEMPT, meaning: 'ms waited before this attempt (gRPC connection backoff)' },
  [sc.ATTR_RESUME_GAP_EVENTS]: { on: ATTEMPT, meaning: 'events the resume never received: older than the history the server kept' },
  [sc.ATTR_RESUME_DUPLICATE_EVENTS]: { on: ATTEMPT, meaning: 'events received again across the resume' },
  [sc.ATTR_BACKEND]: { on: ATTEMPT, meaning: 'the backend (`host:port`) the attempt streamed from' },
};

/** Metric labels: what their values are. */
export const LABEL_DOCS: Readonly<Record<string, string>> = {
  [sc.LABEL_GRPC_TYPE]: RPC_KINDS.map((kind) => `\`${kind}\``).join(', '),
  [sc.LABEL_GRPC_SERVICE]: 'the full service name (`grpc.…` for the admin services, which the stream dashboards and alerts leave out)',
  [sc.LABEL_GRPC_METHOD]: 'the method name',
  [sc.LABEL_GRPC_CODE]: 'the status code as Go names it (`OK`, `Canceled`, `Unavailable`, …), so go-grpc-prometheus rules match; a code outside 0-16 is `Unknown`',
  [sc.LABEL_SIDE]: '`server`, `client`',
  [sc.LABEL_END_CAUSE]: 'an end cause (below)',
  [sc.LABEL_SCENARIO]: `a catalogue scenario, \`${sc.SCENARIO_FLEET}\`, a name of \`STREAMLAB_SCENARIO_LABELS\`, a load run's \`--scenario\`; \`${sc.SCENARIO_NONE}\` without scenario baggage; \`${SCENARIO_OTHER}\` for any other name (bounded)`,
  [sc.LABEL_CLOSE_KIND]: '`fin`, `rst`, `local`',
  [sc.LABEL_VERDICT]: '`ok`, `mismatch`',
  [sc.LABEL_BACKEND]: '`host:port` of a backend; `none` for subscribers between subscriptions',
  [sc.LABEL_ERROR_CODE]: 'an HTTP/2 error code name (RFC 9113 §7): `NO_ERROR`, `ENHANCE_YOUR_CALM`, …',
  [sc.LABEL_KIND]: '`tick`, `notify`',
  [sc.LABEL_BUS]: 'the server\'s `--bus` URL list as configured (one value per server)',
};

/** W3C baggage keys streamlab sends from client to server. */
export const BAGGAGE_DOCS: Readonly<Record<string, string>> = {
  [sc.BAGGAGE_SCENARIO]: 'the scenario name: the server labels its series and spans with it',
  [sc.BAGGAGE_RUN]: 'the id of the scenario run a call belongs to, so overlapping runs of one scenario stay apart',
};
