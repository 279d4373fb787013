/**
 * The scenario catalogue: data only (design §3). A scenario says what the client does,
 * what the network does, and how each side is expected to see the stream end.
 */
import type { EndCause } from '../core/end-cause.ts';
import type { FaultKind } from '../faults/fault-proxy.ts';

/** What the client does with its stream. */
export type ClientAction =
  | { kind: 'read-all' }
  | { kind: 'cancel'; afterMessages: number };

/** What the network does, after the client has received `afterMessages` messages. */
export type NetworkAction = { kind: 'clean' } | { kind: 'fault'; fault: FaultKind; afterMessages: number };

/** One scenario. */
export interface Scenario {
  name: string;
  /** One sentence for the report and --help. */
  summary: string;
  /** Subscribe request: events to send (0 = until the stream ends otherwise). */
  count: number;
  client: ClientAction;
  network: NetworkAction;
  expect: {
    client: EndCause;
    /** gRPC status code the client should receive. */
    clientCode: number;
    server: EndCause;
    /**
     * The server must notice within this many ms of the cause, as a function of the
     * run's keepalive settings (ms). Undefined: no bound.
     */
    serverDetectionWithinMs?: (keepalive: { timeMs: number; timeoutMs: number }) => number;
  };
  /**
   * What differs when the faults come from another backend (by FaultBackend.name), and why.
   * The embedded fault proxy is the reference; a real proxy may pass a close on.
   */
  expectVia?: Record<string, { client?: EndCause; clientCode?: number; server?: EndCause; why: string }>;
}

/** The expectation of `scenario` when its faults come from `backend`. */
export function expectationFor(scenario: Scenario, backend: string): Scenario['expect'] {
  const override = scenario.expectVia?.[backend];
  if (!override) return scenario.expect;
  const { why: _why, ...changes } = override;
  return { ...scenario.expect, ...changes };
}

/** gRPC codes used below (grpc-js `status`); spelled out to keep this file data. */
const OK = 0;
const CANCELLED = 1;
const UNAVAILABLE = 14;

/** The core set, in report order. */
export const CORE_SCENARIOS: readonly Scenario[] = [
  {
    name: 'completion',
    summary: 'the client reads every event; the server ends with OK',
    count: 5,
    client: { kind: 'read-all' },
    network: { kind: 'clean' },
    expect: { client: 'completed', clientCode: OK, server: 'completed' },
  },
  {
    name: 'cancel',
    summary: 'the client calls cancel() after 3 events: RST_STREAM CANCEL on a live connection',
    count: 0,
    client: { kind: 'cancel', afterMessages: 3 },
    network: { kind: 'clean' },
    expect: { client: 'client_cancelled', clientCode: CANCELLED, server: 'client_cancelled' },
  },
  {
    name: 'disconnect',
    summary: 'after 3 events the fault proxy resets both TCP connections (RST)',
    count: 0,
    client: { kind: 'read-all' },
    network: { kind: 'fault', fault: 'reset', afterMessages: 3 },
    expect: { client: 'connection_reset', clientCode: UNAVAILABLE, server: 'connection_reset' },
    expectVia: {
      toxiproxy: {
        client: 'connection_closed',
        server: 'connection_closed',
        why: 'Toxiproxy 2.12 sets SO_LINGER 0 (the RST) only on connections opened after a reset_peer toxic exists (link.go Start); added to a live connection it closes with FIN',
      },
    },
  },
  {
    name: 'blackhole',
    summary: 'after 3 events the fault proxy silently drops everything both ways; only keepalive notices',
    count: 0,
    client: { kind: 'read-all' },
    network: { kind: 'fault', fault: 'blackhole', afterMessages: 3 },
    expect: {
      client: 'keepalive_timeout',
      clientCode: UNAVAILABLE,
      server: 'keepalive_timeout',
      // The next PING leaves at most timeMs after the fault and times out timeoutMs later;
      // 200 ms of slack for timer and event-loop lateness.
      serverDetectionWithinMs: ({ timeMs, timeoutMs }) => timeMs + timeoutMs + 200,
    },
    expectVia: {
      toxiproxy: {
        server: 'connection_closed',
        why: "Toxiproxy's timeout toxic drops data but passes a close on: the client's keepalive (1 s in the driver) fires first and its FIN reaches the server (30 s keepalive in compose)",
      },
    },
  },
];

/**
 * The scenarios named, in the order given; all core scenarios when `names` is empty.
 * @throws Error naming the unknown scenario and listing the known ones
 */
export function selectScenarios(names: readonly string[], catalogue: readonly Scenario[] = CORE_SCENARIOS): Scenario[] {
  if (names.length === 0) return [...catalogue];
  return names.map((name) => {
    const scenario = catalogue.find((candidate) => candidate.name === name);
    if (!scenario) {
      throw new Error(`unknown scenario "${name}": allowed are ${catalogue.map((s) => s.name).join(', ')}`);
    }
    return scenario;
  });
}
