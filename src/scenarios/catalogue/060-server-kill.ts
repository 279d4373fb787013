/**
 * Scenario `server-kill`: its definition, expectation and lesson (design §3; the lesson's
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
import { FAILURE_MODES, END_CAUSES } from '../lessons/dashboards.ts';

const scenario: Scenario = {
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
  lesson: {
    wire: [
      'The client opens the stream straight to a `streamlab serve` child; one event arrives.',
      'SIGKILL: the process dies at once. No GOAWAY, no RST_STREAM, no trailers: the kernel closes its sockets.',
      'The client gets a FIN when nothing unread was left in the dead process\'s receive buffer, an RST when something was (the client\'s last WINDOW_UPDATE or PING).',
    ],
    library: {
      client: '`UNAVAILABLE: Connection dropped` (FIN) or `UNAVAILABLE: read ECONNRESET` (RST), within milliseconds.',
      server: 'Nothing: the process is gone and reports nothing, not even a log line.',
      misleads: '`Connection dropped` is the same for a killed server, a server that exited, a keepalive timeout and a proxy\'s FIN; FIN or RST is the kernel\'s choice, not a sign of anything more. And the server side has no span, no metric, no log to look at.',
    },
    streamlab: 'The client reads its socket\'s fate: FIN is `connection_closed`, RST `connection_reset`, and the scenario accepts both. `streamlab.detection_ms` runs from the SIGKILL (ten or twenty milliseconds). The report marks the server side `gone` instead of waiting for it.',
    jaeger: 'Operation `scenario server-kill` (service `streamlab-driver`) has the CLIENT span only: `transport.close` (`streamlab.transport.close_kind=fin`, or `rst`), then `stream.end` with `streamlab.end_cause=connection_closed` (or `streamlab.end_cause=connection_reset`). There is no SERVER span: the killed `streamlab-server-process` never exported it.',
    grafana: `Dashboard ${FAILURE_MODES}, panel ${END_CAUSES}: server-kill has counts in its client column and none in its server column.`,
    alert: {
      rule: 'StreamConnectionResets',
      when: 'Only for runs where the kernel sent RST: `connection_reset` above 1 % of the client side\'s ends for 1 minute. The FIN runs end `connection_closed`, which no rule watches; in production the killed server\'s failed scrapes would fire StreamlabTargetDown.',
    },
  },
};

export default scenario;
