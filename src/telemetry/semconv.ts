/**
 * Every telemetry name streamlab emits, in one place (design §4).
 *
 * Standard names come first and follow the OpenTelemetry semantic conventions for RPC
 * (https://opentelemetry.io/docs/specs/semconv/rpc/grpc/) and the metric names of
 * go-grpc-prometheus (https://github.com/grpc-ecosystem/go-grpc-prometheus), so existing
 * dashboards and alerts keep working. Our own names live under `streamlab.` (attributes,
 * events) and `streamlab_` (metrics).
 *
 * A new name is described where docs/reference.md reads it (test/docs/reference.test.ts fails
 * until it is): a metric in metric-specs.ts, an event of a stream's life in
 * src/core/lifecycle-events.ts, any other name in semconv-docs.ts.
 */

// The RPC attributes are still "incubating" in @opentelemetry/semantic-conventions (the
// package's /incubating entry point); they are imported here, in one place, so a rename in
// a later version is a one-file change.
import {
  ATTR_RPC_SYSTEM as SEMCONV_RPC_SYSTEM,
  ATTR_RPC_SERVICE as SEMCONV_RPC_SERVICE,
  ATTR_RPC_METHOD as SEMCONV_RPC_METHOD,
  ATTR_RPC_GRPC_STATUS_CODE as SEMCONV_RPC_GRPC_STATUS_CODE,
  ATTR_RPC_MESSAGE_TYPE as SEMCONV_RPC_MESSAGE_TYPE,
  ATTR_RPC_MESSAGE_ID as SEMCONV_RPC_MESSAGE_ID,
  ATTR_RPC_MESSAGE_UNCOMPRESSED_SIZE as SEMCONV_RPC_MESSAGE_UNCOMPRESSED_SIZE,
} from '@opentelemetry/semantic-conventions/incubating';
import {
  ATTR_ERROR_TYPE as SEMCONV_ERROR_TYPE,
  ATTR_SERVER_ADDRESS as SEMCONV_SERVER_ADDRESS,
  ATTR_SERVER_PORT as SEMCONV_SERVER_PORT,
  ATTR_NETWORK_PEER_ADDRESS as SEMCONV_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT as SEMCONV_NETWORK_PEER_PORT,
} from '@opentelemetry/semantic-conventions';
import type { StreamEventName } from '../core/lifecycle-events.ts';

/** OTel RPC semantic-convention attribute keys. */
export const ATTR_RPC_SYSTEM = SEMCONV_RPC_SYSTEM;
export const ATTR_RPC_SERVICE = SEMCONV_RPC_SERVICE;
export const ATTR_RPC_METHOD = SEMCONV_RPC_METHOD;
export const ATTR_RPC_GRPC_STATUS_CODE = SEMCONV_RPC_GRPC_STATUS_CODE;
/** Where the RPC went: the server's address and port (CLIENT: the target; SERVER: the local end), and the peer's. */
export const ATTR_SERVER_ADDRESS = SEMCONV_SERVER_ADDRESS;
export const ATTR_SERVER_PORT = SEMCONV_SERVER_PORT;
export const ATTR_NETWORK_PEER_ADDRESS = SEMCONV_NETWORK_PEER_ADDRESS;
export const ATTR_NETWORK_PEER_PORT = SEMCONV_NETWORK_PEER_PORT;
/** Message-event attributes (OTel RPC semconv, "Events" section). */
export const ATTR_RPC_MESSAGE_TYPE = SEMCONV_RPC_MESSAGE_TYPE;
export const ATTR_RPC_MESSAGE_ID = SEMCONV_RPC_MESSAGE_ID;
export const ATTR_RPC_MESSAGE_UNCOMPRESSED_SIZE = SEMCONV_RPC_MESSAGE_UNCOMPRESSED_SIZE;
/** `error.type` (stable semconv): the OS error of a `connect_failed` end, e.g. `ECONNREFUSED`. */
export const ATTR_ERROR_TYPE = SEMCONV_ERROR_TYPE;

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
/**
 * Span mode `contrib` only: `streamlab` on a stock RPC span that streamlab ended because the
 * stock instrumentation never does (a cancelled server stream, a cut unary call).
 */
export const ATTR_SPAN_ENDED_BY = 'streamlab.span.ended_by';
/** The call's RPC kind (unary, client_stream, server_stream, bidi_stream); the semconv has no attribute for it. */
export const ATTR_RPC_KIND = 'streamlab.rpc.kind';
/** Delivery (Delivery/Exchange): on the RPC spans at the end, and on the delivery.* events. */
export const ATTR_DELIVERY_SENT = 'streamlab.delivery.sent';
export const ATTR_DELIVERY_ACKED = 'streamlab.delivery.acked';
export const ATTR_DELIVERY_REDELIVERED = 'streamlab.delivery.redelivered';
export const ATTR_DELIVERY_EXHAUSTED = 'streamlab.delivery.exhausted';
export const ATTR_DELIVERY_DUPLICATES = 'streamlab.delivery.duplicates';
export const ATTR_DELIVERY_UNACKED_IDS = 'streamlab.delivery.unacked_ids';
export const ATTR_DELIVERY_EXHAUSTED_IDS = 'streamlab.delivery.exhausted_ids';
/** The message id a delivery.* event is about. */
export const ATTR_DELIVERY_MESSAGE_ID = 'streamlab.delivery.message_id';
/** delivery.redeliver: the attempt number (2 = first redelivery). */
export const ATTR_DELIVERY_ATTEMPT = 'streamlab.delivery.attempt';
/** delivery.ack: ms from the first send to the ACK. */
export const ATTR_DELIVERY_ACK_LATENCY_MS = 'streamlab.delivery.ack_latency_ms';
/** goaway: the HTTP/2 error code name of the GOAWAY (RFC 9113 §7) and the last stream id it named. */
export const ATTR_HTTP2_ERROR_CODE = 'streamlab.http2.error_code';
export const ATTR_HTTP2_LAST_STREAM_ID = 'streamlab.http2.last_stream_id';
/** backpressure.overflow: bytes queued for the stream, the message that did not fit, and the bound, bytes. */
export const ATTR_BACKPRESSURE_QUEUED_BYTES = 'streamlab.backpressure.queued_bytes';
export const ATTR_BACKPRESSURE_MESSAGE_BYTES = 'streamlab.backpressure.message_bytes';
export const ATTR_BACKPRESSURE_LIMIT_BYTES = 'streamlab.backpressure.limit_bytes';

/** W3C baggage key that carries the scenario name from client to server. */
export const BAGGAGE_SCENARIO = 'streamlab.scenario';
/** W3C baggage key that carries the id of the scenario run a call belongs to (telemetry/run-scope.ts). */
export const BAGGAGE_RUN = 'streamlab.run';
/** The scenario label of the fleet's long-lived subscriptions. */
export const SCENARIO_FLEET = 'fleet';
/** Span attributes of a fleet subscriber's attempt (a CLIENT span each, linked to the previous attempt). */
export const ATTR_SUBSCRIBER_ID = 'streamlab.subscriber.id';
export const ATTR_RESUME_ATTEMPT = 'streamlab.resume.attempt';
export const ATTR_RESUME_AFTER_ID = 'streamlab.resume.after_id';
export const ATTR_RESUME_BACKOFF_MS = 'streamlab.resume.backoff_ms';
export const ATTR_RESUME_GAP_EVENTS = 'streamlab.resume.gap_events';
export const ATTR_RESUME_DUPLICATE_EVENTS = 'streamlab.resume.duplicate_events';
/** The backend (`host:port`) a subscriber's attempt streamed from: with round robin the channel's target names them all. */
export const ATTR_BACKEND = 'streamlab.backend';

/**
 * Span event names on the RPC spans (design §4 "Events"): the events of a stream's life,
 * declared once in src/core/lifecycle-events.ts (with how the timeline and the report draw
 * them); `streamEvent` only checks the name against that declaration.
 */
const streamEvent = <N extends StreamEventName>(name: N): N => name;
export const EVENT_STREAM_OPEN = streamEvent('stream.open');
export const EVENT_MESSAGE = streamEvent('message');
export const EVENT_STREAM_CANCEL = streamEvent('stream.cancel');
export const EVENT_TRANSPORT_CLOSE = streamEvent('transport.close');
export const EVENT_KEEPALIVE_TIMEOUT = streamEvent('keepalive.timeout');
export const EVENT_GOAWAY = streamEvent('goaway');
export const EVENT_STREAM_END = streamEvent('stream.end');
/** Delivery events: an ACK arrived, a message was sent again, a message was given up on. */
export const EVENT_DELIVERY_ACK = streamEvent('delivery.ack');
export const EVENT_DELIVERY_REDELIVER = streamEvent('delivery.redeliver');
export const EVENT_DELIVERY_EXHAUSTED = streamEvent('delivery.exhausted');
/** Client side: a message id arrived again after it was delivered (not delivered twice). */
export const EVENT_DELIVERY_DUPLICATE = streamEvent('delivery.duplicate');
/** Server side: a stream's reader fell so far behind that its queue passed the bound; the stream ends RESOURCE_EXHAUSTED. */
export const EVENT_BACKPRESSURE_OVERFLOW = streamEvent('backpressure.overflow');

/** Span names of our own. */
export const SPAN_BACKPRESSURE_WAIT = streamEvent('backpressure.wait');
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
/** Gauge {side, scenario, grpc_service}: streams open right now. */
export const METRIC_STREAMS_ACTIVE = 'streamlab_streams_active';
/** Counter {side, end_cause, scenario, grpc_service}: streams that ended, by why. */
export const METRIC_STREAM_ENDS = 'streamlab_stream_ends_total';
/** Counter {side, scenario, grpc_service}: messages carried by streams (server sent, client received). */
export const METRIC_STREAM_MESSAGES = 'streamlab_stream_messages_total';
/** Histogram {side, end_cause, scenario, grpc_service}, seconds: cause → this side noticed. */
export const METRIC_DETECTION_SECONDS = 'streamlab_detection_seconds';
/** Histogram {side, scenario, grpc_service}, seconds: write() returned false → 'drain'. */
export const METRIC_BACKPRESSURE_WAIT_SECONDS = 'streamlab_backpressure_wait_seconds';
/** Counter {side, scenario, grpc_service}: streams ended RESOURCE_EXHAUSTED because their queue passed its bound. */
export const METRIC_BACKPRESSURE_OVERFLOWS = 'streamlab_backpressure_overflows_total';
/** Counter {error_code}: GOAWAY frames the server sent to one connection (scripted, rapid reset), by HTTP/2 error code name. */
export const METRIC_GOAWAYS_SENT = 'streamlab_goaways_sent_total';
/** Gauge: TCP connections the server holds. */
export const METRIC_CONNECTIONS_ACTIVE = 'streamlab_connections_active';
/** Counter {close_kind}: server TCP connections closed, by how (fin, rst, local). */
export const METRIC_CONNECTION_CLOSES = 'streamlab_connection_closes_total';
/** Counter {scenario, verdict}: scenario runs by the runner/driver (verdict ok|mismatch). */
export const METRIC_SCENARIO_RUNS = 'streamlab_scenario_runs_total';
/** Gauge {scenario}: unix time (s) the scenario last finished; for Grafana annotations. */
export const METRIC_SCENARIO_LAST_RUN = 'streamlab_scenario_last_run_timestamp_seconds';

/** Delivery (bidi ACK/redelivery, Delivery/Exchange). Recorded by the server unless noted. */
/** Counter {scenario}: distinct messages sent for the first time. */
export const METRIC_DELIVERY_SENT = 'streamlab_delivery_sent_total';
/** Counter {scenario}: messages acknowledged (first ACK of each id). */
export const METRIC_DELIVERY_ACKED = 'streamlab_delivery_acked_total';
/** Counter {scenario}: redelivery attempts (a message not acknowledged within the ack timeout, sent again). */
export const METRIC_DELIVERY_REDELIVERIES = 'streamlab_delivery_redeliveries_total';
/** Counter {scenario}: messages given up on after the last redelivery went unacknowledged. */
export const METRIC_DELIVERY_EXHAUSTED = 'streamlab_delivery_exhausted_total';
/** Counter {scenario}: duplicates the client received and did not deliver again (client side). */
export const METRIC_DELIVERY_DUPLICATES = 'streamlab_delivery_duplicates_total';
/** Histogram {scenario}, seconds: first send of a message → its ACK. */
export const METRIC_DELIVERY_ACK_LATENCY_SECONDS = 'streamlab_delivery_ack_latency_seconds';
/** Gauge {scenario}: messages sent and not yet acknowledged or exhausted (in flight). */
export const METRIC_DELIVERY_UNACKED = 'streamlab_delivery_unacked';

/**
 * The fleet (`streamlab fleet`): long-lived subscribers that re-subscribe and resume.
 * Recorded by the process that runs the subscribers.
 */
/** Counter {end_cause}: re-subscribes, by the end cause of the subscription that ended. */
export const METRIC_FLEET_RECONNECTS = 'streamlab_fleet_reconnects_total';
/** Counter: topic events a resumed subscription never received (the server no longer kept them). */
export const METRIC_FLEET_RESUME_GAP_EVENTS = 'streamlab_fleet_resume_gap_events_total';
/** Counter: topic events a subscriber received twice across a resume. */
export const METRIC_FLEET_RESUME_DUPLICATE_EVENTS = 'streamlab_fleet_resume_duplicate_events_total';
/** Histogram, seconds: a subscription's end → its successor streaming (response headers received). */
export const METRIC_FLEET_RESUME_SECONDS = 'streamlab_fleet_resume_seconds';
/** Gauge {backend}: subscribers streaming from each backend (`host:port`); backend="none" counts those between streams. */
export const METRIC_FLEET_SUBSCRIBERS = 'streamlab_fleet_subscribers';
/** Histogram, seconds: a Notify sent by the fleet → the last subscriber's receipt of it. */
export const METRIC_FLEET_FANOUT_SECONDS = 'streamlab_fleet_fanout_seconds';

/**
 * The bus (`--bus`, issue 18): a server's connection to NATS JetStream, which numbers every
 * topic's events for all servers. Recorded by each server on the bus.
 */
/** Gauge: 1 while this server is connected to the bus, 0 while it is not (reconnecting, or never connected). */
export const METRIC_BUS_CONNECTED = 'streamlab_bus_connected';
/** Counter: times this server lost its connection to the bus. */
export const METRIC_BUS_DISCONNECTS = 'streamlab_bus_disconnects_total';
/** Histogram, seconds: the bus lost → connected again (one observation per outage). */
export const METRIC_BUS_OUTAGE_SECONDS = 'streamlab_bus_outage_seconds';
/** Counter {kind}: ticks and Notify texts the bus did not accept (kind tick | notify). */
export const METRIC_BUS_PUBLISH_FAILURES = 'streamlab_bus_publish_failures_total';
/** Span of one outage of the bus connection (INTERNAL), from the disconnect to the reconnect, with events {@link EVENT_BUS_DISCONNECT} and {@link EVENT_BUS_RECONNECT}. */
export const SPAN_BUS_OUTAGE = 'bus.outage';
/** Span events of a bus outage. */
export const EVENT_BUS_DISCONNECT = 'bus.disconnect';
export const EVENT_BUS_RECONNECT = 'bus.reconnect';
/** `messaging.system` (OTel messaging semconv) of the bus spans: `nats`. */
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
/** The NATS server a bus event is about (`host:port`). */
export const ATTR_BUS_SERVER = 'streamlab.bus.server';
/** Root span of a bus scenario: ms from the bus back (or its leader lost) to the follower's next event. */
export const ATTR_BUS_RECOVERY_MS = 'streamlab.bus.recovery_ms';
/** bus.outage: how long the bus was gone, ms. */
export const ATTR_BUS_OUTAGE_MS = 'streamlab.bus.outage_ms';
/** Label of {@link METRIC_BUS_PUBLISH_FAILURES}: tick | notify. */
export const LABEL_KIND = 'kind';
/** Label of the bus gauges: the server's --bus URL list as configured (bounded: one value per server). */
export const LABEL_BUS = 'bus';

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
export const LABEL_BACKEND = 'backend';
/** An HTTP/2 error code name (RFC 9113 §7: NO_ERROR, ENHANCE_YOUR_CALM, …). */
export const LABEL_ERROR_CODE = 'error_code';

/** The scenario label value for streams that carry no scenario baggage. */
export const SCENARIO_NONE = 'none';
