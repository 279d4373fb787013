/**
 * Every telemetry name streamlab emits, in one place (design §4).
 *
 * Standard names come first and follow the OpenTelemetry semantic conventions for RPC
 * (https://opentelemetry.io/docs/specs/semconv/rpc/grpc/) and the metric names of
 * go-grpc-prometheus (https://github.com/grpc-ecosystem/go-grpc-prometheus), so existing
 * dashboards and alerts keep working. Our own names live under `streamlab.` (attributes,
 * events) and `streamlab_` (metrics).
 */

/** OTel RPC semantic-convention attribute keys. */
export const ATTR_RPC_SYSTEM = 'rpc.system';
export const ATTR_RPC_SERVICE = 'rpc.service';
export const ATTR_RPC_METHOD = 'rpc.method';
export const ATTR_RPC_GRPC_STATUS_CODE = 'rpc.grpc.status_code';
// server.address, server.port and network.peer.* are set by instrumentation-grpc.
/** Message-event attributes (OTel RPC semconv, "Events" section). */
export const ATTR_RPC_MESSAGE_TYPE = 'rpc.message.type';
export const ATTR_RPC_MESSAGE_ID = 'rpc.message.id';
export const ATTR_RPC_MESSAGE_UNCOMPRESSED_SIZE = 'rpc.message.uncompressed_size';

/** streamlab's own span attributes. */
export const ATTR_END_CAUSE = 'streamlab.end_cause';
export const ATTR_DETECTION_MS = 'streamlab.detection_ms';
export const ATTR_MESSAGES_SENT = 'streamlab.messages.sent';
export const ATTR_MESSAGES_RECEIVED = 'streamlab.messages.received';
export const ATTR_CONNECTION_ID = 'streamlab.connection.id';
export const ATTR_SCENARIO = 'streamlab.scenario';
export const ATTR_STREAM_ID = 'streamlab.stream.id';
export const ATTR_TRANSPORT_CLOSE_KIND = 'streamlab.transport.close_kind';
export const ATTR_SEGMENT_INDEX = 'streamlab.segment.index';
export const ATTR_EXPECTED_CLIENT_END_CAUSE = 'streamlab.expected.client_end_cause';
export const ATTR_EXPECTED_SERVER_END_CAUSE = 'streamlab.expected.server_end_cause';
export const ATTR_VERDICT = 'streamlab.verdict';
export const ATTR_FAULT_BACKEND = 'streamlab.fault_backend';

/** W3C baggage key that carries the scenario name from client to server. */
export const BAGGAGE_SCENARIO = 'streamlab.scenario';

/** Span event names on the RPC spans (design §4 "Lifecycle events"). */
export const EVENT_STREAM_OPEN = 'stream.open';
export const EVENT_MESSAGE = 'message';
export const EVENT_STREAM_CANCEL = 'stream.cancel';
export const EVENT_TRANSPORT_CLOSE = 'transport.close';
export const EVENT_KEEPALIVE_TIMEOUT = 'keepalive.timeout';
export const EVENT_GOAWAY = 'goaway';
export const EVENT_STREAM_END = 'stream.end';

/** Span names of our own. */
export const SPAN_BACKPRESSURE_WAIT = 'backpressure.wait';
export const SPAN_STREAM_SEGMENT = 'stream.segment';
export const scenarioSpanName = (scenario: string): string => `scenario ${scenario}`;

/** Prometheus metric names. go-grpc-prometheus compatible first. */
export const METRIC_GRPC_SERVER_STARTED = 'grpc_server_started_total';
export const METRIC_GRPC_SERVER_HANDLED = 'grpc_server_handled_total';
export const METRIC_GRPC_SERVER_MSG_RECEIVED = 'grpc_server_msg_received_total';
export const METRIC_GRPC_SERVER_MSG_SENT = 'grpc_server_msg_sent_total';
export const METRIC_GRPC_SERVER_HANDLING_SECONDS = 'grpc_server_handling_seconds';
export const METRIC_GRPC_CLIENT_STARTED = 'grpc_client_started_total';
export const METRIC_GRPC_CLIENT_HANDLED = 'grpc_client_handled_total';
export const METRIC_GRPC_CLIENT_MSG_RECEIVED = 'grpc_client_msg_received_total';
export const METRIC_GRPC_CLIENT_MSG_SENT = 'grpc_client_msg_sent_total';
export const METRIC_GRPC_CLIENT_HANDLING_SECONDS = 'grpc_client_handling_seconds';
/** Gauge {side, scenario}: streams open right now. */
export const METRIC_STREAMS_ACTIVE = 'streamlab_streams_active';
/** Counter {side, end_cause, scenario}: streams that ended, by why. */
export const METRIC_STREAM_ENDS = 'streamlab_stream_ends_total';
/** Counter {side, scenario}: messages carried by streams (server sent, client received). */
export const METRIC_STREAM_MESSAGES = 'streamlab_stream_messages_total';
/** Histogram {side, end_cause, scenario}, seconds: cause → this side noticed. */
export const METRIC_DETECTION_SECONDS = 'streamlab_detection_seconds';
/** Histogram {side, scenario}, seconds: write() returned false → 'drain'. */
export const METRIC_BACKPRESSURE_WAIT_SECONDS = 'streamlab_backpressure_wait_seconds';
/** Gauge: TCP connections the server holds. */
export const METRIC_CONNECTIONS_ACTIVE = 'streamlab_connections_active';
/** Counter {close_kind}: server TCP connections closed, by how (fin, rst, local). */
export const METRIC_CONNECTION_CLOSES = 'streamlab_connection_closes_total';
/** Counter {scenario, verdict}: scenario runs by the runner/driver (verdict ok|mismatch). */
export const METRIC_SCENARIO_RUNS = 'streamlab_scenario_runs_total';
/** Gauge {scenario}: unix time (s) the scenario last finished; for Grafana annotations. */
export const METRIC_SCENARIO_LAST_RUN = 'streamlab_scenario_last_run_timestamp_seconds';

/** Metric label names. */
export const LABEL_SIDE = 'side';
export const LABEL_END_CAUSE = 'end_cause';
export const LABEL_SCENARIO = 'scenario';
export const LABEL_CLOSE_KIND = 'close_kind';
export const LABEL_GRPC_TYPE = 'grpc_type';
export const LABEL_GRPC_SERVICE = 'grpc_service';
export const LABEL_GRPC_METHOD = 'grpc_method';
export const LABEL_GRPC_CODE = 'grpc_code';
export const LABEL_VERDICT = 'verdict';

/** The scenario label value for streams that carry no scenario baggage. */
export const SCENARIO_NONE = 'none';
