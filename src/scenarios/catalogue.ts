/**
 * The scenario catalogue: data only (design §3). The shape of a scenario is in
 * scenario.ts; the core set and the delivery scenario are here, the process-level
 * liveness scenarios in liveness-scenarios.ts, the bus's failures in bus-scenarios.ts, the
 * other endings in ending-scenarios.ts.
 */
import { RPC_KINDS } from '../core/method-info.ts';
import type { RpcKind } from '../core/method-info.ts';
import type { Expectation, Scenario } from './scenario.ts';
import { LIVENESS_SCENARIOS } from './liveness-scenarios.ts';
import { ENDING_SCENARIOS } from './ending-scenarios.ts';
import { K8S_SCENARIOS } from './k8s/k8s-scenarios.ts';
import { BUS_SCENARIOS } from './bus-scenarios.ts';
import { PEER_SCENARIOS } from './peer-scenarios.ts';
import { CANCELLED, OK, UNAVAILABLE } from './grpc-codes.ts';

export type { ClientAction, DeliveryPlan, NetworkAction, Scenario } from './scenario.ts';

/** The expectation of `scenario` when its faults come from `backend`. */
export function expectationFor(scenario: Scenario, backend: string): Expectation {
  const override = scenario.expectVia?.[backend];
  if (!override) return scenario.expect;
  // The backend's reason replaces the reference's: it explains the expectation that holds there.
  return { ...scenario.expect, ...override };
}


/** The core set, in report order. */
export const CORE_SCENARIOS: readonly Scenario[] = [
  {
    name: 'completion',
    summary: 'the client reads every event; the server ends with OK',
    rpc: 'server_stream',
    count: 5,
    client: { kind: 'read-all' },
    network: { kind: 'clean' },
    expect: { client: 'completed', clientCode: OK, server: 'completed', why: 'the handler returns OK after the last event and the client reads the OK status' },
  },
  {
    name: 'cancel',
    summary: 'the client calls cancel() after 3 events: RST_STREAM CANCEL on a live connection',
    rpc: 'server_stream',
    count: 0,
    client: { kind: 'cancel', afterMessages: 3 },
    network: { kind: 'clean' },
    expect: {
      client: 'client_cancelled', clientCode: CANCELLED, server: 'client_cancelled',
      why: 'cancel() sends RST_STREAM CANCEL on a connection that stays open, so the server sees the cancel, not a transport end',
    },
  },
  {
    name: 'disconnect',
    summary: 'after 3 events the fault proxy resets both TCP connections (RST)',
    rpc: 'server_stream',
    count: 0,
    client: { kind: 'read-all' },
    network: { kind: 'fault', fault: 'reset', afterMessages: 3 },
    expect: {
      client: 'connection_reset', clientCode: UNAVAILABLE, server: 'connection_reset',
      why: 'the proxy closes both sockets with SO_LINGER 0, so each side reads ECONNRESET before any status',
    },
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
      why: 'nothing closes: only an unanswered keepalive PING tells either side the peer is gone',
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
  expect: {
    client: 'completed', clientCode: OK, server: 'completed',
    why: 'every message is acknowledged, after at most three redeliveries, so the exchange ends with OK and its accounting balances',
  },
};

/** Every scenario, in report order: the core set first. */
export const CATALOGUE: readonly Scenario[] = [...CORE_SCENARIOS, ACK_RETRY, ...LIVENESS_SCENARIOS, ...BUS_SCENARIOS, ...ENDING_SCENARIOS, ...K8S_SCENARIOS, ...PEER_SCENARIOS];

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
 * The scenarios named, in the order given; the core scenarios when `names` is empty (the
 * whole catalogue is `CATALOGUE`, `run --all`).
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

/** The "after N messages" triggers of `scenario` (cancel, network fault, process fault, attack). */
function triggersOf(scenario: Scenario): number[] {
  const triggers: number[] = [];
  if (scenario.client.kind === 'cancel') triggers.push(scenario.client.afterMessages);
  if (scenario.network.kind === 'fault') triggers.push(scenario.network.afterMessages);
  if (scenario.server?.kind === 'process' || scenario.server?.kind === 'bus') triggers.push(scenario.server.fault.afterMessages);
  if (scenario.attack) triggers.push(scenario.attack.afterMessages);
  return triggers;
}

/**
 * `scenario` with `count` data messages instead of its own when its own stream is finite
 * (count > 0); a never-ending stream (count 0) stays so. `--count 3 --interval-ms 2000` is
 * the seed experiment's pace (3 responses, 2 s apart).
 * @throws Error naming the scenario when `count` leaves no message after one of its triggers
 */
export function withCount(scenario: Scenario, count: number): Scenario {
  if (scenario.count === 0 || count === scenario.count) return scenario;
  const last = Math.max(0, ...triggersOf(scenario));
  if (count <= last) {
    throw new Error(`--count ${count} is too small for "${scenario.name}": it acts after ${last} message(s), so use at least ${last + 1}`);
  }
  return { ...scenario, count };
}
