/**
 * Names the dashboards share with the rest of the stack: datasource uids (they must match
 * grafana/provisioning/datasources/datasources.yaml), the service names the compose stack
 * gives its processes (OTEL_SERVICE_NAME in docker-compose.yml) and the Jaeger UI address a
 * user's browser reaches (the port compose publishes).
 */
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/** The Prometheus datasource (provisioned with this uid). */
export const PROMETHEUS: DataSourceRef = { type: 'prometheus', uid: 'prometheus' };

/** The Jaeger datasource (provisioned with this uid). */
export const JAEGER: DataSourceRef = { type: 'jaeger', uid: 'jaeger' };

/** OTEL_SERVICE_NAME of the scenario driver (the gRPC client side) in docker-compose.yml. */
export const DRIVER_SERVICE = 'streamlab-driver';

/** OTEL_SERVICE_NAME of the server in docker-compose.yml. */
export const SERVER_SERVICE = 'streamlab-server';

/**
 * OTEL_SERVICE_NAME of the fleet controller (`streamlab fleet`: the subscribers' CLIENT spans)
 * in docker-compose.yml's fleet profile.
 */
export const FLEET_SERVICE = 'streamlab-fleet';

/** The Jaeger UI as a browser on the compose host sees it. */
export const JAEGER_UI = 'http://localhost:16686';

/** The Prometheus UI as a browser on the compose host sees it. */
export const PROMETHEUS_UI = 'http://localhost:9090';

/**
 * The core scenarios, one dashboard column each, left to right. Names are checked against
 * the scenario catalogue when the dashboard is built (selectScenarios throws on an unknown one).
 */
export const CORE_COLUMNS = ['completion', 'cancel', 'disconnect', 'blackhole'] as const;

/**
 * The delivery scenario the compose driver runs in its loop (bidi Delivery/Exchange, 10 %
 * simulated drops, redelivery after 2 s, at most 3 times; ack-retry in the catalogue, checked
 * when the dashboard is built): the delivery row's run marks and panel links are its. The row's queries keep
 * every scenario; this one is the compose stack's delivery traffic.
 */
export const DELIVERY_SCENARIO = 'ack-retry';
