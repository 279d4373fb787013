/**
 * The endings the test suite already proves, as runnable scenarios (design §3): a deadline,
 * a FIN from the network, a graceful drain with and without enough grace, and a slow
 * consumer that makes the server wait on backpressure.
 */
import type { Scenario } from './scenario.ts';
import { DEADLINE_EXCEEDED, OK, UNAVAILABLE } from './grpc-codes.ts';

/** Grace the `shutdown` drain gives: the rest of the stream after the first event, plus 1 s. */
const WHOLE_STREAM_GRACE = ({ intervalMs, count }: { intervalMs: number; count: number }) => intervalMs * count + 1_000;

/** The cut drain's grace, ms: short, so the never-ending stream outlives it. */
const SHORT_GRACE_MS = 300;

/** The other endings, in report order. */
export const ENDING_SCENARIOS: readonly Scenario[] = [
  {
    name: 'deadline',
    summary: 'the client sets a 500 ms deadline on a stream that never ends by itself',
    rpc: 'server_stream',
    count: 0,
    call: { deadlineMs: 500 },
    client: { kind: 'read-all' },
    network: { kind: 'clean' },
    expect: {
      client: 'deadline_exceeded',
      clientCode: DEADLINE_EXCEEDED,
      server: 'deadline_exceeded',
      why: 'grpc-timeout travels with the request, so both sides run the same deadline and end the call with DEADLINE_EXCEEDED',
    },
  },
  {
    name: 'close',
    summary: 'after 3 events the fault proxy closes both TCP connections cleanly (FIN)',
    rpc: 'server_stream',
    count: 0,
    client: { kind: 'read-all' },
    network: { kind: 'fault', fault: 'close', afterMessages: 3 },
    expect: {
      client: 'connection_closed',
      clientCode: UNAVAILABLE,
      server: 'connection_closed',
      why: 'each side reads a FIN with the stream still open: "Connection dropped" to grpc-js, a FIN to the socket watch',
    },
  },
  {
    name: 'shutdown',
    summary: 'SIGTERM the server process after the first event with grace for the rest: GOAWAY, and the stream finishes',
    rpc: 'server_stream',
    count: 3,
    server: { kind: 'process', fault: { kind: 'terminate', afterMessages: 1, graceMs: WHOLE_STREAM_GRACE } },
    client: { kind: 'read-all' },
    network: { kind: 'clean' },
    expect: {
      client: 'completed',
      clientCode: OK,
      server: 'completed',
      why: 'GOAWAY stops new streams only: the stream in flight finishes within the grace and ends OK on both sides',
    },
  },
  {
    name: 'shutdown-cut',
    summary: `SIGTERM the server process after the first event with ${SHORT_GRACE_MS} ms grace: the never-ending stream is cut after it`,
    rpc: 'server_stream',
    count: 0,
    server: { kind: 'process', fault: { kind: 'terminate', afterMessages: 1, graceMs: SHORT_GRACE_MS } },
    client: { kind: 'read-all' },
    network: { kind: 'clean' },
    expect: {
      client: 'server_shutdown',
      clientCode: UNAVAILABLE,
      server: 'server_shutdown',
      why: 'the stream outlives the grace, so the draining server ends it with UNAVAILABLE and the trailer streamlab-end-cause: server_shutdown',
      serverDetectionWithinMs: () => SHORT_GRACE_MS + 700,
    },
  },
  {
    name: 'slow-consumer',
    summary: 'the client pauses 5 ms after each 64 KiB event the server sends flat out: the server waits on backpressure',
    rpc: 'server_stream',
    count: 100,
    call: { intervalMs: 0, payloadBytes: 65_536 },
    client: { kind: 'read-slowly', pauseMs: 5 },
    network: { kind: 'clean' },
    expect: {
      client: 'completed',
      clientCode: OK,
      server: 'completed',
      backpressure: true,
      why: 'HTTP/2 flow control holds the server: write() returns false when the window is full and the server waits for drain (backpressure.wait), yet nothing is lost and both sides end OK',
    },
  },
];
