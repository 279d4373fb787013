/**
 * The liveness scenarios: what happens to a stream when the server *process* dies, drains,
 * freezes or is not there (design §3; the seed experiment's (b), (c) and (d)). Each runs
 * Ticker/Subscribe against a fresh `streamlab serve` child (src/server-process/server-process.ts)
 * or against nothing at all. The lesson is the phone line: a hang-up is heard; a peer who
 * walked away without hanging up is not, unless someone keeps checking (keepalive).
 */
import type { Scenario } from './scenario.ts';
import { CANCELLED, DEADLINE_EXCEEDED, UNAVAILABLE } from './grpc-codes.ts';

/** 200 ms of slack on keepalive bounds, for timer and event-loop lateness. */
const SLACK_MS = 200;

/** The liveness scenarios, in report order. */
export const LIVENESS_SCENARIOS: readonly Scenario[] = [
  {
    name: 'server-kill',
    summary: 'SIGKILL the server process after the first event: the kernel closes its sockets for it',
    rpc: 'server_stream',
    count: 3,
    server: { kind: 'process', fault: { kind: 'kill', afterMessages: 1 } },
    client: { kind: 'read-all' },
    network: { kind: 'clean' },
    expect: {
      client: ['connection_closed', 'connection_reset'],
      clientCode: UNAVAILABLE,
      server: 'gone',
      why: "a killed process's sockets are closed by the kernel: FIN when nothing unread was left in its receive buffer, RST when the client's last WINDOW_UPDATE or PING was still unread; the server records nothing",
      clientDetectionWithinMs: () => 1_000,
    },
  },
  {
    name: 'server-stop',
    summary: 'SIGTERM the server process with no grace after the first event: GOAWAY, then every stream is ended',
    rpc: 'server_stream',
    count: 3,
    server: { kind: 'process', fault: { kind: 'terminate', afterMessages: 1, graceMs: 0 } },
    client: { kind: 'read-all' },
    network: { kind: 'clean' },
    expect: {
      client: 'server_shutdown',
      clientCode: UNAVAILABLE,
      server: 'server_shutdown',
      why: 'the draining server ends the stream itself with UNAVAILABLE and the trailer streamlab-end-cause: server_shutdown, so the client can tell a drain from a dead connection',
      clientDetectionWithinMs: () => 1_000,
      serverDetectionWithinMs: () => 1_000,
    },
  },
  {
    name: 'server-suspend',
    summary: 'SIGSTOP the server process after the first event; the client\'s keepalive notices; then SIGCONT',
    rpc: 'server_stream',
    count: 3,
    server: { kind: 'process', fault: { kind: 'freeze', afterMessages: 1 } },
    client: { kind: 'read-all' },
    network: { kind: 'clean' },
    expect: {
      client: 'keepalive_timeout',
      clientCode: UNAVAILABLE,
      server: ['connection_closed', 'connection_reset', 'keepalive_timeout'],
      why: 'a stopped process keeps its sockets open and answers nothing: only the client\'s unanswered PING tells it, within keepalive time + timeout; the resumed server then reads the client\'s FIN (or an RST to its first write), or its own keepalive timer fires first',
      clientDetectionWithinMs: ({ timeMs, timeoutMs }) => timeMs + timeoutMs + SLACK_MS,
    },
  },
  {
    name: 'server-suspend-no-keepalive',
    summary: 'SIGSTOP the server process after the first event, client keepalive off: the client waits forever',
    rpc: 'server_stream',
    count: 3,
    server: { kind: 'process', fault: { kind: 'freeze', afterMessages: 1 } },
    call: { keepalive: false },
    client: { kind: 'read-all' },
    network: { kind: 'clean' },
    expect: {
      client: 'client_cancelled',
      clientCode: CANCELLED,
      server: ['client_cancelled', 'keepalive_timeout'],
      clientNoticesNothing: true,
      why: 'without keepalive nothing tells the client a frozen peer is gone, so it notices nothing until the runner cancels it; the resumed server reads that RST_STREAM CANCEL, unless its own keepalive timer fires first',
    },
  },
  {
    name: 'no-server',
    summary: 'nothing listens on the port: the call fails at once, before any stream opens',
    rpc: 'server_stream',
    count: 3,
    server: { kind: 'absent' },
    client: { kind: 'read-all' },
    network: { kind: 'clean' },
    expect: {
      client: 'connect_failed',
      clientCode: UNAVAILABLE,
      server: 'none',
      why: 'connect() is refused (ECONNREFUSED) and a call without waitForReady fails fast with UNAVAILABLE',
      clientDetectionWithinMs: () => 1_000,
    },
  },
  {
    name: 'no-server-wait-for-ready',
    summary: 'nothing listens, the call waits for ready with a 1 s deadline: it waits, then the deadline ends it',
    rpc: 'server_stream',
    count: 3,
    server: { kind: 'absent' },
    call: { waitForReady: true, deadlineMs: 1_000 },
    client: { kind: 'read-all' },
    network: { kind: 'clean' },
    expect: {
      client: 'deadline_exceeded',
      clientCode: DEADLINE_EXCEEDED,
      server: 'none',
      why: 'waitForReady queues the call through every refused connect until the deadline passes',
    },
  },
];
