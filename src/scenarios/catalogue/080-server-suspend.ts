/**
 * Scenario `server-suspend`: its definition, expectation and lesson (design §3; the lesson's
 * conventions are in src/scenarios/lesson.ts).
 *
 * A liveness scenario: what happens to a stream when the server *process* dies, drains, freezes
 * or is not there (the seed experiment's (b), (c) and (d)). It runs Ticker/Subscribe against a
 * fresh `streamlab serve` child (src/server-process/server-process.ts) or against nothing at
 * all. The lesson is the phone line: a hang-up is heard; a peer who walked away without hanging
 * up is not, unless someone keeps checking (keepalive).
 */
import type { Scenario } from '../scenario.ts';
import { UNAVAILABLE } from '../grpc-codes.ts';
import { FAILURE_MODES, END_CAUSES, DETECTION } from '../lessons/dashboards.ts';

/** 200 ms of slack on keepalive bounds, for timer and event-loop lateness. */
const SLACK_MS = 200;

const scenario: Scenario = {
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
  lesson: {
    wire: [
      'One event reaches the client; then SIGSTOP freezes the server process.',
      'The kernel keeps the frozen process\'s sockets open and still ACKs TCP segments, so TCP looks healthy; nothing at the HTTP/2 level answers.',
      'The client\'s keepalive PING (every 1 s) gets no PING ACK. After the 1 s timeout the client destroys its connection, leaving a GOAWAY and a FIN unread in the frozen server\'s receive buffer.',
      'SIGCONT: the resumed server reads them, or writes into a socket the client has closed and gets an RST back.',
    ],
    library: {
      client: '`UNAVAILABLE: Connection dropped`, about 2 s after the SIGSTOP.',
      server: 'After SIGCONT, `\'cancelled\'`.',
      misleads: '`Connection dropped` reads like a crash, yet the process never died: it could not answer. The resumed server\'s `\'cancelled\'` reads like a client cancel.',
    },
    streamlab: 'The client\'s socket was closed locally by its own keepalive: `keepalive_timeout`, within keepalive time + timeout of the SIGSTOP. The resumed server reads the client\'s FIN (`connection_closed`, the usual), an RST (`connection_reset`), or its own keepalive timer fires first (`keepalive_timeout`): the kernel and the event loop decide.',
    jaeger: 'Operation `scenario server-suspend`: the CLIENT span has `keepalive.timeout` and `transport.close` (`streamlab.transport.close_kind=local`) with `streamlab.end_cause=keepalive_timeout`; the SERVER span (service `streamlab-server-process`) ends only after SIGCONT, usually with `transport.close` (`fin`) and `streamlab.end_cause=connection_closed`.',
    grafana: `Dashboard ${FAILURE_MODES}, panels ${END_CAUSES} (\`keepalive_timeout\` | \`connection_closed\`) and ${DETECTION} (about 2 s on the client).`,
    alert: {
      rule: 'StreamKeepaliveTimeouts',
      when: 'It fires on the client side: every run ends `keepalive_timeout` there, far above the rule\'s 1 % for 1 minute. To its clients a frozen process (SIGSTOP, a long GC pause, CPU starvation) looks exactly like a blackholed network.',
    },
  },
};

export default scenario;
