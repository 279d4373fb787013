/**
 * Every Prometheus metric streamlab registers, declared once as data (design §4): name,
 * type, help, labels, buckets and whether it carries `trace_id` exemplars. The modules that
 * create them (metrics.ts, fleet-metrics.ts, bus-metrics.ts, src/delivery/delivery-metrics.ts,
 * src/services/bounded-writes.ts, src/rpc/server/http2-sessions.ts) pass
 * {@link metricOptions} to prom-client, and docs/reference.md ("Metrics") is generated from
 * {@link METRIC_SPECS}; test/docs/reference.test.ts checks that a real registry holds exactly
 * these metrics.
 */
import * as names from './semconv.ts';

/** The prom-client metric type. */
export type MetricType = 'counter' | 'gauge' | 'histogram';

/** One metric's declaration. */
export interface MetricSpec {
  type: MetricType;
  /** The HELP text /metrics shows. */
  help: string;
  /** Label names, in order. */
  labelNames: readonly string[];
  /** Histograms: the bucket upper bounds, in the metric's unit (seconds). */
  buckets?: readonly number[];
  /** Whether the samples carry a `trace_id` exemplar (OpenMetrics). */
  exemplars: boolean;
  /** Which process records it, when not every one that serves or calls. */
  recordedBy?: string;
}

const GRPC_LABELS = [names.LABEL_GRPC_TYPE, names.LABEL_GRPC_SERVICE, names.LABEL_GRPC_METHOD] as const;
const STREAM_LABELS = [names.LABEL_SIDE, names.LABEL_SCENARIO, names.LABEL_GRPC_SERVICE] as const;
const STREAM_END_LABELS = [names.LABEL_SIDE, names.LABEL_END_CAUSE, names.LABEL_SCENARIO, names.LABEL_GRPC_SERVICE] as const;

/**
 * Handling-time buckets in seconds: go-grpc-prometheus's defaults stop at 10 s, far
 * too short for streams, so these reach 1 h.
 */
const HANDLING_BUCKETS_S = [0.005, 0.05, 0.25, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
/** Detection-latency buckets in seconds: loopback cancels (~1 ms) to keepalive (~2-30 s). */
const DETECTION_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];
/** Backpressure-wait buckets in seconds. */
const BACKPRESSURE_BUCKETS_S = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30];
/** Resume-time buckets in seconds: an immediate re-subscribe (~ms) to the backoff's 120 s cap. */
const RESUME_BUCKETS_S = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
/** Fan-out buckets in seconds: one subscriber on loopback (~1 ms) to 10,000 (~1 s). */
const FANOUT_BUCKETS_S = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Outage buckets in seconds: a quick reconnect (~0.1 s) to a bus gone for minutes. */
const OUTAGE_BUCKETS_S = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
/** ACK-latency buckets in seconds: loopback ACKs (~1 ms) to the last redelivery (~4 × 2 s). */
const ACK_LATENCY_BUCKETS_S = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16];

const FLEET = 'the `streamlab fleet` process (where the subscribers run)';
const BUS = 'each server on the bus (`--bus`)';

/** go-grpc-prometheus's metrics, the same on both sides but for the HELP of two. */
const GRPC_STARTED = (side: string) => ({
  type: 'counter', labelNames: GRPC_LABELS, exemplars: true, help: `Total number of RPCs started on the ${side}.`,
}) as const;
const GRPC_HANDLED = (completed: string) => ({
  type: 'counter', labelNames: [...GRPC_LABELS, names.LABEL_GRPC_CODE] as const, exemplars: true,
  help: `Total number of RPCs completed ${completed}, regardless of success or failure.`,
}) as const;
// Per-message counters: no exemplars (a message count has no one trace to point at).
const GRPC_MSG_RECEIVED = { type: 'counter', labelNames: GRPC_LABELS, exemplars: false, help: 'Total number of RPC stream messages received.' } as const;
const GRPC_MSG_SENT = { type: 'counter', labelNames: GRPC_LABELS, exemplars: false, help: 'Total number of gRPC stream messages sent.' } as const;
const GRPC_HANDLING = {
  type: 'histogram', labelNames: GRPC_LABELS, buckets: HANDLING_BUCKETS_S, exemplars: true,
  help: 'Histogram of response latency (seconds) of gRPC until it is finished by the application.',
} as const;

/** Every metric by name, in the order docs/reference.md lists them. */
export const METRIC_SPECS = {
  [names.METRIC_GRPC_SERVER_STARTED]: GRPC_STARTED('server'),
  [names.METRIC_GRPC_SERVER_HANDLED]: GRPC_HANDLED('on the server'),
  [names.METRIC_GRPC_SERVER_MSG_RECEIVED]: GRPC_MSG_RECEIVED,
  [names.METRIC_GRPC_SERVER_MSG_SENT]: GRPC_MSG_SENT,
  [names.METRIC_GRPC_SERVER_HANDLING_SECONDS]: GRPC_HANDLING,
  [names.METRIC_GRPC_CLIENT_STARTED]: GRPC_STARTED('client'),
  [names.METRIC_GRPC_CLIENT_HANDLED]: GRPC_HANDLED('by the client'),
  [names.METRIC_GRPC_CLIENT_MSG_RECEIVED]: GRPC_MSG_RECEIVED,
  [names.METRIC_GRPC_CLIENT_MSG_SENT]: GRPC_MSG_SENT,
  [names.METRIC_GRPC_CLIENT_HANDLING_SECONDS]: GRPC_HANDLING,
  [names.METRIC_STREAMS_ACTIVE]: { type: 'gauge', labelNames: STREAM_LABELS, exemplars: false, help: 'Streams open right now.' },
  [names.METRIC_STREAM_ENDS]: {
    type: 'counter', labelNames: STREAM_END_LABELS, exemplars: true, help: 'Streams that ended, by why they ended (streamlab.end_cause).',
  },
  [names.METRIC_STREAM_MESSAGES]: {
    type: 'counter', labelNames: STREAM_LABELS, exemplars: false,
    help: "Messages of streams' data direction (requests for client streaming, responses otherwise), on each side.",
  },
  [names.METRIC_DETECTION_SECONDS]: {
    type: 'histogram', labelNames: STREAM_END_LABELS, buckets: DETECTION_BUCKETS_S, exemplars: true,
    help: 'Seconds from the cause of a stream end (cancel, network fault) to this side noticing it.',
  },
  [names.METRIC_BACKPRESSURE_WAIT_SECONDS]: {
    type: 'histogram', labelNames: STREAM_LABELS, buckets: BACKPRESSURE_BUCKETS_S, exemplars: true,
    help: "Seconds a writer waited for 'drain' after write() returned false.",
  },
  [names.METRIC_BACKPRESSURE_OVERFLOWS]: {
    type: 'counter', labelNames: STREAM_LABELS, exemplars: false, recordedBy: 'servers',
    help: 'Streams ended RESOURCE_EXHAUSTED because what was queued for their reader passed the bound (--max-queued-bytes).',
  },
  [names.METRIC_GOAWAYS_SENT]: {
    type: 'counter', labelNames: [names.LABEL_ERROR_CODE], exemplars: false, recordedBy: 'servers',
    help: 'GOAWAY frames the server sent to one connection, by HTTP/2 error code (scripted, rapid reset); a drain is not counted.',
  },
  [names.METRIC_CONNECTIONS_ACTIVE]: { type: 'gauge', labelNames: [], exemplars: false, recordedBy: 'servers', help: 'TCP connections the server holds right now.' },
  [names.METRIC_CONNECTION_CLOSES]: {
    type: 'counter', labelNames: [names.LABEL_CLOSE_KIND], exemplars: false, recordedBy: 'servers',
    help: 'Server TCP connections closed, by how: fin (peer closed), rst (socket error), local (server destroyed it).',
  },
  [names.METRIC_SCENARIO_RUNS]: {
    type: 'counter', labelNames: [names.LABEL_SCENARIO, names.LABEL_VERDICT], exemplars: false, recordedBy: '`streamlab run` and `drive`',
    help: 'Scenario runs, by verdict (ok when both sides ended as expected, mismatch otherwise).',
  },
  [names.METRIC_SCENARIO_LAST_RUN]: {
    type: 'gauge', labelNames: [names.LABEL_SCENARIO], exemplars: false, recordedBy: '`streamlab run` and `drive`',
    help: 'Unix time in seconds when the scenario last finished.',
  },
  [names.METRIC_DELIVERY_SENT]: {
    type: 'counter', labelNames: [names.LABEL_SCENARIO], exemplars: false, recordedBy: 'servers (Delivery/Exchange)',
    help: 'Distinct delivery messages sent for the first time (server).',
  },
  [names.METRIC_DELIVERY_ACKED]: {
    type: 'counter', labelNames: [names.LABEL_SCENARIO], exemplars: false, recordedBy: 'servers (Delivery/Exchange)',
    help: 'Delivery messages acknowledged, first ACK of each id (server).',
  },
  [names.METRIC_DELIVERY_REDELIVERIES]: {
    type: 'counter', labelNames: [names.LABEL_SCENARIO], exemplars: true, recordedBy: 'servers (Delivery/Exchange)',
    help: 'Redelivery attempts: a message not acknowledged within the ack timeout, sent again (server).',
  },
  [names.METRIC_DELIVERY_EXHAUSTED]: {
    type: 'counter', labelNames: [names.LABEL_SCENARIO], exemplars: true, recordedBy: 'servers (Delivery/Exchange)',
    help: 'Delivery messages given up on after the last redelivery went unacknowledged (server).',
  },
  [names.METRIC_DELIVERY_DUPLICATES]: {
    type: 'counter', labelNames: [names.LABEL_SCENARIO], exemplars: false, recordedBy: 'clients (Delivery/Exchange)',
    help: 'Duplicate deliveries the client received and did not deliver again (client).',
  },
  [names.METRIC_DELIVERY_ACK_LATENCY_SECONDS]: {
    type: 'histogram', labelNames: [names.LABEL_SCENARIO], buckets: ACK_LATENCY_BUCKETS_S, exemplars: true, recordedBy: 'servers (Delivery/Exchange)',
    help: 'Seconds from the first send of a delivery message to its ACK (server).',
  },
  [names.METRIC_DELIVERY_UNACKED]: {
    type: 'gauge', labelNames: [names.LABEL_SCENARIO], exemplars: false, recordedBy: 'servers (Delivery/Exchange)',
    help: 'Delivery messages sent and not yet acknowledged or exhausted (server).',
  },
  [names.METRIC_FLEET_RECONNECTS]: {
    type: 'counter', labelNames: [names.LABEL_END_CAUSE], exemplars: true, recordedBy: FLEET,
    help: 'Re-subscribes by long-lived subscribers, by the end cause of the subscription that ended.',
  },
  [names.METRIC_FLEET_RESUME_GAP_EVENTS]: {
    type: 'counter', labelNames: [], exemplars: true, recordedBy: FLEET,
    help: 'Topic events a resumed subscription never received: older than the history the server kept.',
  },
  [names.METRIC_FLEET_RESUME_DUPLICATE_EVENTS]: {
    type: 'counter', labelNames: [], exemplars: true, recordedBy: FLEET,
    help: 'Topic events a subscriber received more than once across resumes.',
  },
  [names.METRIC_FLEET_RESUME_SECONDS]: {
    type: 'histogram', labelNames: [], buckets: RESUME_BUCKETS_S, exemplars: true, recordedBy: FLEET,
    help: "Seconds from a subscription's end to its successor streaming (response headers received), backoff included.",
  },
  [names.METRIC_FLEET_SUBSCRIBERS]: {
    type: 'gauge', labelNames: [names.LABEL_BACKEND], exemplars: false, recordedBy: FLEET,
    help: 'Subscribers streaming from each backend (host:port); backend="none" counts those between subscriptions.',
  },
  [names.METRIC_FLEET_FANOUT_SECONDS]: {
    type: 'histogram', labelNames: [], buckets: FANOUT_BUCKETS_S, exemplars: false, recordedBy: FLEET,
    help: "Seconds from a Notify sent by the fleet to the last subscriber's receipt of it.",
  },
  // Labelled by the configured URL list so a server off the bus exposes no series at all
  // (an unlabelled gauge would read 0, "lost", on every server).
  [names.METRIC_BUS_CONNECTED]: {
    type: 'gauge', labelNames: [names.LABEL_BUS], exemplars: false, recordedBy: BUS,
    help: 'Whether this server is connected to the bus (NATS JetStream; label bus = its --bus URLs): 1 connected, 0 lost. No series off the bus.',
  },
  [names.METRIC_BUS_DISCONNECTS]: {
    type: 'counter', labelNames: [names.LABEL_BUS], exemplars: false, recordedBy: BUS, help: 'Times this server lost its connection to the bus.',
  },
  [names.METRIC_BUS_OUTAGE_SECONDS]: {
    type: 'histogram', labelNames: [], buckets: OUTAGE_BUCKETS_S, exemplars: false, recordedBy: BUS,
    help: 'Seconds from losing the bus to being connected again, one observation per outage.',
  },
  [names.METRIC_BUS_PUBLISH_FAILURES]: {
    type: 'counter', labelNames: [names.LABEL_KIND], exemplars: false, recordedBy: BUS,
    help: 'Ticks and Notify texts the bus did not accept (kind tick or notify): not numbered, so no subscriber misses an id.',
  },
} as const satisfies Record<string, MetricSpec>;

/** The name of a declared metric. */
export type MetricName = keyof typeof METRIC_SPECS;

/**
 * prom-client's options for metric `name` (name, help, labels, buckets, exemplars), to spread
 * into `new Counter/Gauge/Histogram({ ...metricOptions(name), registers, ... })`.
 */
export function metricOptions<N extends MetricName>(name: N) {
  const spec: MetricSpec = METRIC_SPECS[name];
  return {
    name,
    help: spec.help,
    labelNames: spec.labelNames as (typeof METRIC_SPECS)[N]['labelNames'],
    enableExemplars: spec.exemplars,
    ...(spec.buckets ? { buckets: [...spec.buckets] } : {}),
  };
}
