/**
 * Every PromQL expression of the stream-lifecycle dashboard, as plain strings built from the
 * metric and label names in src/telemetry/semconv.ts (the contract), so a renamed metric
 * breaks the typecheck here rather than a panel in Grafana.
 *
 * Rules the expressions follow:
 * - No Grafana macros ($__rate_interval, $__range, variables): the stack test runs each
 *   expression verbatim against Prometheus and asserts it returns data.
 * - One scenario per expression (`scenario="X"` spelled out, no `$scenario` variable), so each
 *   dashboard column always shows its own scenario.
 * - gRPC's admin services (health, reflection, channelz) are left out of every stream and
 *   grpc_* query ({@link NOT_ADMIN_SERVICE}).
 * - `sum by (...)` drops job/instance: in compose the client side comes from the driver's
 *   /metrics (side="client") and the server side from the server's (side="server").
 * - Windows: 1m for message rates (a run lasts 0.3-2 s, the driver repeats every 20 s) and
 *   5m for end causes, detection and backpressure, so a few runs are always in the window.
 */
import * as sc from '../../src/telemetry/semconv.ts';

/**
 * The label matcher that leaves gRPC's admin services out: health (grpc.health.v1.Health, its
 * Watch is a long-lived server stream), reflection (grpc.reflection.v1 and v1alpha, bidi) and
 * channelz (grpc.channelz.v1.Channelz). They are observed like every call, but a grpcurl
 * `list` or a health probe is not the stream lifecycle these dashboards show. Every query of
 * a stream or grpc_* metric carries it; a series without the label (none has) would match.
 * `[.]` is a literal dot without a backslash to escape in PromQL, JSON and YAML.
 */
export const NOT_ADMIN_SERVICE = `${sc.LABEL_GRPC_SERVICE}!~"grpc[.].+"`;

/** The matchers of a stream metric's series of one scenario. */
const sel = (scenario: string): string => `${sc.LABEL_SCENARIO}="${scenario}",${NOT_ADMIN_SERVICE}`;

/** Streams open right now, by side. Short runs show as blips: streams live 0.3-2 s, the scrape is every 5 s. */
export function activeStreams(scenario: string): string {
  return `sum by (${sc.LABEL_SIDE}) (${sc.METRIC_STREAMS_ACTIVE}{${sel(scenario)}})`;
}

/** Messages per second, by side (server: sent, client: received). */
export function messagesPerSecond(scenario: string): string {
  return `sum by (${sc.LABEL_SIDE}) (rate(${sc.METRIC_STREAM_MESSAGES}{${sel(scenario)}}[1m]))`;
}

/** Streams ended in the last 5 minutes, by side and end cause. */
export function endCauses(scenario: string): string {
  return `sum by (${sc.LABEL_SIDE}, ${sc.LABEL_END_CAUSE}) (increase(${sc.METRIC_STREAM_ENDS}{${sel(scenario)}}[5m]))`;
}

/**
 * Quantile `q` of the detection latency (cause -> this side noticed), by side.
 * Only sides that know when the cause happened record it: the driver marks its own cancel
 * and its fault injection, so side="client" always has it; a server learns the cause time
 * of the run its calls belong to (src/telemetry/run-scope.ts: in the runner's process, or
 * over IPC in a child server), so side="server" appears for scenario runs, never for a
 * standalone `streamlab serve`. `completion` has no cause, hence no
 * detection latency at all: its column shows a note instead of this query.
 */
export function detectionQuantile(q: number, scenario: string): string {
  const buckets = `${sc.METRIC_DETECTION_SECONDS}_bucket{${sel(scenario)}}`;
  return `histogram_quantile(${q}, sum by (${sc.LABEL_SIDE}, le) (rate(${buckets}[5m])))`;
}

/**
 * Backpressure waits per second (write() returned false until 'drain'), by side.
 *
 * The histogram's series exist only once a wait has been observed, and the core scenarios
 * (5-20 small messages at 100 ms) never fill a socket buffer, so the plain rate would be an
 * empty panel, which a reader cannot tell from "not scraped". The `or` branch fills in an
 * explicit 0 for each side that carried messages of this scenario in the same window: true
 * ("streams ran and none waited"), and still empty when nothing ran at all. It does not use
 * `vector(0)`, which would claim 0 even with the driver down.
 */
export function backpressureWaitsPerSecond(scenario: string): string {
  const waits = `sum by (${sc.LABEL_SIDE}) (rate(${sc.METRIC_BACKPRESSURE_WAIT_SECONDS}_count{${sel(scenario)}}[5m]))`;
  const ran = `sum by (${sc.LABEL_SIDE}) (rate(${sc.METRIC_STREAM_MESSAGES}{${sel(scenario)}}[5m])) * 0`;
  return `${waits} or ${ran}`;
}

/** Scenario runs in the last 15 minutes, by scenario and verdict (ok | mismatch). */
export function scenarioRunsByVerdict(): string {
  return `sum by (${sc.LABEL_SCENARIO}, ${sc.LABEL_VERDICT}) (increase(${sc.METRIC_SCENARIO_RUNS}[15m]))`;
}

/**
 * Mismatched scenario runs in the last 15 minutes. The mismatch series exists only after a
 * first mismatch, so when runs happened and none mismatched this says 0 (the `or` branch);
 * with no runs at all it stays empty.
 */
export function mismatchedRuns(): string {
  const runs = `increase(${sc.METRIC_SCENARIO_RUNS}[15m])`;
  return `sum(increase(${sc.METRIC_SCENARIO_RUNS}{${sc.LABEL_VERDICT}="mismatch"}[15m])) or sum(${runs}) * 0`;
}

/** TCP connections the server closed in the last 5 minutes, by how (fin, rst, local). */
export function connectionClosesByKind(): string {
  return `sum by (${sc.LABEL_CLOSE_KIND}) (increase(${sc.METRIC_CONNECTION_CLOSES}[5m]))`;
}

/** RPCs finished in the last 5 minutes on one side, by go-grpc-prometheus grpc_code (admin services left out). */
export function handledByCode(side: 'server' | 'client'): string {
  const metric = side === 'server' ? sc.METRIC_GRPC_SERVER_HANDLED : sc.METRIC_GRPC_CLIENT_HANDLED;
  return `sum by (${sc.LABEL_GRPC_CODE}) (increase(${metric}{${NOT_ADMIN_SERVICE}}[5m]))`;
}

/**
 * The annotation query marking each run of `scenario`: the time (in ms, for Grafana's
 * "series value as timestamp") when the driver last finished it. Every step that sees the
 * same value yields the same instant, which Grafana merges into one mark per run.
 */
export function scenarioRunMarks(scenario: string): string {
  return `max by (${sc.LABEL_SCENARIO}) (${sc.METRIC_SCENARIO_LAST_RUN}{${sc.LABEL_SCENARIO}="${scenario}"}) * 1000`;
}

/*
 * Delivery (Delivery/Exchange: bidi stream, ACKs, redelivery). Recorded by the server
 * unless noted, each series labelled by scenario. Unlike the columns above, these queries
 * keep the scenario label (`sum by (scenario)`) instead of naming one: only the delivery
 * scenarios (ack-retry in compose) and real traffic ("none") call Exchange, so the row shows
 * every one of them as its own series. Windows are 5m: the driver runs ack-retry once a round
 * (20 s in compose) for a few seconds, so a few runs are always in the window.
 *
 * prom-client creates a labelled counter's series at its first increment, so redeliveries,
 * exhausted messages and duplicates have no series until one happens. Like the backpressure
 * and mismatch queries, each falls back to an explicit 0 for every scenario that sent
 * delivery messages in the same window (`... or <first sends> * 0`).
 */

const deliverySent = (window: string): string =>
  `sum by (${sc.LABEL_SCENARIO}) (rate(${sc.METRIC_DELIVERY_SENT}[${window}]))`;

/** Distinct delivery messages sent for the first time, per second, by scenario. */
export function deliveryFirstSendsPerSecond(): string {
  return deliverySent('5m');
}

/** Delivery messages acknowledged (first ACK of each id), per second, by scenario. */
export function deliveryAcksPerSecond(): string {
  return `sum by (${sc.LABEL_SCENARIO}) (rate(${sc.METRIC_DELIVERY_ACKED}[5m]))`;
}

/** Redelivery attempts per second, by scenario; 0 where messages were sent and none redelivered. */
export function deliveryRedeliveriesPerSecond(): string {
  return `sum by (${sc.LABEL_SCENARIO}) (rate(${sc.METRIC_DELIVERY_REDELIVERIES}[5m])) or ${deliverySent('5m')} * 0`;
}

/**
 * Redeliveries per first send (0..max redeliveries), by scenario: the share of the traffic
 * spent on retries. With a loss probability p per attempt and 3 redeliveries at most it is
 * p + p² + p³. ack-retry's seeded drops make it exactly 0.2 per run (2 of 10 messages);
 * alert StreamlabDeliveryRedeliveryRatioHigh fires above 0.2 for other scenarios.
 */
export function deliveryRedeliveryRatio(): string {
  return `(${deliveryRedeliveriesPerSecond()}) / ${deliverySent('5m')}`;
}

/**
 * Messages given up on (exhausted) in the last 10 minutes, by scenario: the window of alert
 * StreamlabDeliveryMessagesExhausted; 0 where messages were sent and none exhausted.
 */
export function deliveryExhausted(): string {
  return `sum by (${sc.LABEL_SCENARIO}) (increase(${sc.METRIC_DELIVERY_EXHAUSTED}[10m])) or ${deliverySent('10m')} * 0`;
}

/**
 * Quantile `q` of the ACK latency (first send of a message -> its ACK), by scenario. A
 * redelivered message's latency includes the ack timeout (2 s) it waited, so once more than
 * 1 - q of the messages are redelivered the quantile jumps from milliseconds to seconds.
 */
export function deliveryAckLatencyQuantile(q: number): string {
  const buckets = `${sc.METRIC_DELIVERY_ACK_LATENCY_SECONDS}_bucket`;
  return `histogram_quantile(${q}, sum by (${sc.LABEL_SCENARIO}, le) (rate(${buckets}[5m])))`;
}

/** Delivery messages sent and not yet acknowledged or exhausted (in flight), by scenario. */
export function deliveryUnacked(): string {
  return `sum by (${sc.LABEL_SCENARIO}) (${sc.METRIC_DELIVERY_UNACKED})`;
}

/**
 * Duplicates per second the client received and did not deliver again (client side: the
 * driver's /metrics in compose), by scenario; 0 where the server sent messages and the
 * client saw no duplicate.
 */
export function deliveryDuplicatesPerSecond(): string {
  return `sum by (${sc.LABEL_SCENARIO}) (rate(${sc.METRIC_DELIVERY_DUPLICATES}[5m])) or ${deliverySent('5m')} * 0`;
}
