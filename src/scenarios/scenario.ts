/**
 * What a scenario is: data (design §3). The RPC kind, what the client does, what the
 * network does, what the server *process* does, and how each side is expected to see the
 * call end — a set where the kernel or the event loop decides, with the reason.
 *
 * "After N messages" counts the call's data messages as the client sees them: received
 * (server streaming, bidi), sent (client streaming); a unary call has none, so there it
 * means N × the run's interval after the call started.
 */
import type { EndCause } from '../core/end-cause.ts';
import type { FaultKind } from '../faults/fault-proxy.ts';
import type { Http2ErrorName } from '../core/http2-errors.ts';
import type { RpcKind } from '../core/method-info.ts';
import type { ScenarioLab } from './scenario-lab.ts';

/** What the client does with its stream. */
export type ClientAction =
  | { kind: 'read-all' }
  | { kind: 'cancel'; afterMessages: number }
  /** Reads every message but pauses `pauseMs` after each (a slow consumer). */
  | { kind: 'read-slowly'; pauseMs: number };

/** What the network does, after the client has seen `afterMessages` messages. */
export type NetworkAction = { kind: 'clean' } | { kind: 'fault'; fault: FaultKind; afterMessages: number };

/** The run's pacing, as scenario data may depend on it. */
export interface RunPace {
  /** Pause between two data messages, ms. */
  intervalMs: number;
  /** Data messages of the call (0 = until it ends otherwise). */
  count: number;
}

/**
 * A signal the runner sends the server process after the client has seen `afterMessages`:
 * - `kill`: SIGKILL — the process dies; the kernel closes its sockets.
 * - `terminate`: SIGTERM — `streamlab serve` drains: GOAWAY, `graceMs` for in-flight
 *   streams (a number, or computed from the pace), then ends the rest (server_shutdown).
 * - `freeze`: SIGSTOP — the process stops without closing anything; the runner sends
 *   SIGCONT once the client has noticed (or after the run's frozen-wait bound) and reports
 *   what the resumed server saw.
 */
export type ProcessFault =
  | { kind: 'kill'; afterMessages: number }
  | { kind: 'terminate'; afterMessages: number; graceMs: number | ((pace: RunPace) => number) }
  | { kind: 'freeze'; afterMessages: number };

/**
 * What the runner does to the bus under a `serve --bus` child (issue 18; src/scenarios/bus-run.ts)
 * after the follower has seen `afterMessages`:
 * - `restart`: SIGKILL the one NATS server, then start it again on its port and store;
 * - `leader-loss`: in a 3-node JetStream cluster (topic stream replicas 3), SIGKILL the
 *   node that leads the topic's stream.
 */
export type BusFault = { kind: 'restart' | 'leader-loss'; afterMessages: number };

/**
 * Where the server runs:
 * - `embedded`: the runner's own in-process server, reached through the fault proxy;
 * - `process`: a fresh `streamlab serve` child per run, dialed directly, that gets `fault`;
 * - `absent`: nothing listens on the port the client dials;
 * - `lab`: the scenario builds its own world (several servers, subscribers, a balancer, a DNS
 *   server) and runs it itself (scenario-lab.ts): the Kubernetes lessons.
 * - `bus`: a fresh NATS JetStream bus and a `serve --bus` child on it; the client follows a
 *   topic and the bus gets `fault`.
 */
export type ServerPlan = { kind: 'embedded' } | { kind: 'process'; fault: ProcessFault } | { kind: 'absent' } | { kind: 'lab'; lab: ScenarioLab } | { kind: 'bus'; fault: BusFault };

/** How the client opens the call; every field has a default. */
export interface CallPlan {
  /** A deadline this many ms after the call starts. Default: none. */
  deadlineMs?: number;
  /** grpc-js `waitForReady`: queue the call until a connection is READY. Default false. */
  waitForReady?: boolean;
  /** Client keepalive PINGs with the run's settings. Default true; false sends none. */
  keepalive?: boolean;
  /** The scenario's own pause between data messages, ms, instead of the run's. */
  intervalMs?: number;
  /** The scenario's own payload size, bytes, instead of the run's. */
  payloadBytes?: number;
}

/**
 * Another peer that misbehaves while the scenario's call runs, on a connection of its own,
 * after the client has seen `afterMessages`: `rapid-reset` floods the server with streams it
 * resets at once (src/faults/rapid-reset.ts). The server must answer that connection with a
 * GOAWAY of `expectGoaway` and leave the scenario's own call alone.
 */
export interface PeerAttack {
  kind: 'rapid-reset';
  afterMessages: number;
  /** The HTTP/2 error code the server's GOAWAY to the attacker must carry. */
  expectGoaway: Http2ErrorName;
}

/** Simulated loss on a delivery (bidi) scenario: the client ignores a seeded share of messages. */
export interface DeliveryPlan {
  /** Share of received messages the client ignores (no ACK), 0 to 1. */
  dropRate: number;
  /** PRNG seed, so the same receipts are dropped on every run. */
  seed: number;
}

/** One end cause, or the set of those the kernel or the event loop may produce. */
export type ExpectedCause = EndCause | readonly EndCause[];

/**
 * The server side's expectation: an end cause (or set), `gone` (the process was killed
 * and records nothing) or `none` (there is no server).
 */
export type ExpectedServer = ExpectedCause | 'gone' | 'none';

/** Keepalive settings of a run, ms, for bounds that depend on them. */
export interface KeepaliveTimes {
  timeMs: number;
  timeoutMs: number;
}

/** How each side is expected to see the call end. */
export interface Expectation {
  client: ExpectedCause;
  /** gRPC status code the client should receive. */
  clientCode: number;
  server: ExpectedServer;
  /** Why these are the expected ends (one or two sentences, for the report and `scenarios`). */
  why: string;
  /** The client must notice within this many ms of the cause. Undefined: no bound. */
  clientDetectionWithinMs?: (keepalive: KeepaliveTimes) => number;
  /** The server must notice within this many ms of the cause. Undefined: no bound. */
  serverDetectionWithinMs?: (keepalive: KeepaliveTimes) => number;
  /**
   * The client must notice nothing for the run's frozen-wait bound after the cause; the
   * runner then cancels the call itself (so the client then ends client_cancelled).
   */
  clientNoticesNothing?: boolean;
  /** The server must have waited on backpressure (`backpressure.wait`) at least once. */
  backpressure?: boolean;
}

/** One scenario. */
export interface Scenario {
  name: string;
  /** One sentence for the report and `streamlab scenarios`. */
  summary: string;
  /** The RPC kind (and so the method: Notify, Publish, Subscribe, Exchange). */
  rpc: RpcKind;
  /** Data messages of the call (0 = until it ends otherwise). */
  count: number;
  /** Where the server runs. Default embedded. */
  server?: ServerPlan;
  /** How the call is opened. */
  call?: CallPlan;
  /** For bidi: the delivery protocol's simulated loss; the verdict then checks the accounting too. */
  delivery?: DeliveryPlan;
  /** Another peer's attack on the server while the call runs; the verdict then checks the server's answer too. */
  attack?: PeerAttack;
  client: ClientAction;
  network: NetworkAction;
  expect: Expectation;
  /**
   * What differs when the faults come from another backend (by FaultBackend.name), and why.
   * The embedded fault proxy is the reference; a real proxy may pass a close on.
   */
  expectVia?: Record<string, { client?: EndCause; clientCode?: number; server?: EndCause; why: string }>;
}

/** The causes of an expectation as a list. */
export function causesOf(expected: ExpectedCause): readonly EndCause[] {
  return typeof expected === 'string' ? [expected] : expected;
}

/** An expectation for humans: `a`, or `a | b`. */
export function describeExpected(expected: ExpectedServer): string {
  if (expected === 'gone') return 'gone (killed)';
  if (expected === 'none') return 'none (no server)';
  return causesOf(expected).join(' | ');
}
