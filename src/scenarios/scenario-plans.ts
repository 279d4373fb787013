/**
 * What a scenario makes happen (design §3): what the client does, what the network does, what
 * the server process and the bus undergo, how the call is opened, another peer's attack and
 * the delivery protocol's simulated loss. src/scenarios/scenario.ts puts them together.
 *
 * "After N messages" counts the call's data messages as the client sees them: received
 * (server streaming, bidi), sent (client streaming); a unary call has none, so there it
 * means N × the run's interval after the call started.
 */
import type { FaultKind } from '../faults/fault-proxy.ts';
import type { Http2ErrorName } from '../core/http2-errors.ts';

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
