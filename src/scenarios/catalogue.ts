/**
 * The scenario catalogue: data only (design §3). A scenario says which RPC kind it uses,
 * what the client does, what the network does, and how each side is expected to see the
 * call end.
 *
 * "After N messages" counts the call's data messages as the client sees them: received
 * (server streaming, bidi), sent (client streaming); a unary call has none, so there it
 * means N × the run's interval after the call started (the server is mid-flight then: its
 * Notify waits `count` × interval, or up to 600 s when count is 0).
 */
import type { EndCause } from '../core/end-cause.ts';
import type { FaultKind } from '../faults/fault-proxy.ts';
import { RPC_KINDS } from '../rpc/method-info.ts';
import type { RpcKind } from '../rpc/method-info.ts';

/** What the client does with its stream. */
export type ClientAction =
  | { kind: 'read-all' }
  | { kind: 'cancel'; afterMessages: number };

/** What the network does, after the client has received `afterMessages` messages. */
export type NetworkAction = { kind: 'clean' } | { kind: 'fault'; fault: FaultKind; afterMessages: number };

/** Simulated loss on a delivery (bidi) scenario: the client ignores a seeded share of messages. */
export interface DeliveryPlan {
  /** Share of received messages the client ignores (no ACK), 0 to 1. */
  dropRate: number;
  /** PRNG seed, so the same receipts are dropped on every run. */
  seed: number;
}

/** One scenario. */
export interface Scenario {
  name: string;
  /** One sentence for the report and --help. */
  summary: string;
  /** The RPC kind (and so the method: Notify, Publish, Subscribe, Exchange). */
  rpc: RpcKind;
  /** Data messages of the call (0 = until it ends otherwise). */
  count: number;
  /** For bidi: the delivery protocol's simulated loss; the verdict then checks the accounting too. */
  delivery?: DeliveryPlan;
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
    rpc: 'server_stream',
    count: 5,
    client: { kind: 'read-all' },
    network: { kind: 'clean' },
    expect: { client: 'completed', clientCode: OK, server: 'completed' },
  },
  {
    name: 'cancel',
    summary: 'the client calls cancel() after 3 events: RST_STREAM CANCEL on a live connection',
    rpc: 'server_stream',
    count: 0,
    client: { kind: 'cancel', afterMessages: 3 },
    network: { kind: 'clean' },
    expect: { client: 'client_cancelled', clientCode: CANCELLED, server: 'client_cancelled' },
  },
  {
    name: 'disconnect',
    summary: 'after 3 events the fault proxy resets both TCP connections (RST)',
    rpc: 'server_stream',
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
    rpc: 'server_stream',
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
 * At-least-once delivery over bidi: 10 % of received messages are ignored (no ACK), so
 * the server redelivers them after its 2 s ack timeout. Seed 4 drops the 2nd and 10th
 * receipts (ids 2 and 10) and neither redelivery, so the run takes about 2.3 s, redelivers
 * twice and exhausts nothing; the verdict also checks both sides' accounting.
 */
export const ACK_RETRY: Scenario = {
  name: 'ack-retry',
  summary: 'bidi ACKs with 10 % simulated loss: unacknowledged messages are redelivered after 2 s (at most 3 times)',
  rpc: 'bidi_stream',
  count: 10,
  delivery: { dropRate: 0.1, seed: 4 },
  client: { kind: 'read-all' },
  network: { kind: 'clean' },
  expect: { client: 'completed', clientCode: OK, server: 'completed' },
};

/** Every scenario, in report order: the core set first. */
export const CATALOGUE: readonly Scenario[] = [...CORE_SCENARIOS, ACK_RETRY];

/** The scenarios `--rpc` runs over every kind: the core transport endings. */
export const TRANSPORT_SCENARIOS: readonly string[] = CORE_SCENARIOS.map((scenario) => scenario.name);

/**
 * `scenarios` run over each of `kinds`, kind by kind (the `--rpc` matrix): each transport
 * scenario as a copy with that RPC kind; other scenarios keep their own kind and run once.
 */
export function expandMatrix(scenarios: readonly Scenario[], kinds: readonly RpcKind[]): Scenario[] {
  const transport = scenarios.filter((scenario) => TRANSPORT_SCENARIOS.includes(scenario.name));
  const others = scenarios.filter((scenario) => !TRANSPORT_SCENARIOS.includes(scenario.name));
  return [...kinds.flatMap((rpc) => transport.map((scenario) => ({ ...scenario, rpc }))), ...others];
}

/**
 * Parses `--rpc`: one kind, or `all`.
 * @throws Error naming the value and the allowed ones
 */
export function parseRpcKinds(value: string): RpcKind[] {
  if (value === 'all') return [...RPC_KINDS];
  if ((RPC_KINDS as readonly string[]).includes(value)) return [value as RpcKind];
  throw new Error(`--rpc "${value}" is not allowed: use one of ${RPC_KINDS.join(', ')}, all`);
}

/**
 * The scenarios named, in the order given; the core scenarios when `names` is empty.
 * @throws Error naming the unknown scenario and listing the known ones
 */
export function selectScenarios(names: readonly string[], catalogue: readonly Scenario[] = CATALOGUE): Scenario[] {
  if (names.length === 0) return catalogue.filter((scenario) => CORE_SCENARIOS.includes(scenario));
  return names.map((name) => {
    const scenario = catalogue.find((candidate) => candidate.name === name);
    if (!scenario) {
      throw new Error(`unknown scenario "${name}": allowed are ${catalogue.map((s) => s.name).join(', ')}`);
    }
    return scenario;
  });
}
