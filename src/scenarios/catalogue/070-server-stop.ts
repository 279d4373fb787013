/**
 * Scenario `server-stop`: its definition, expectation and lesson (design §3; the lesson's
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
  lesson: {
    wire: [
      'One event reaches the client from the `streamlab serve` child.',
      'SIGTERM: the server stops accepting and sends GOAWAY (NO_ERROR) on each connection: no new streams there, open ones may finish.',
      'With no grace it ends the open stream itself: trailers with `grpc-status: 14`, `grpc-message: server shutting down` and `streamlab-end-cause: server_shutdown`.',
      'Then it closes the connection (FIN) and exits.',
    ],
    library: {
      client: '`UNAVAILABLE: server shutting down`.',
      server: 'The shutdown fails the call with that status; `\'cancelled\'` fires as on every end.',
      misleads: 'UNAVAILABLE is the code of a dead connection too; only the free-text details differ, and another server may send any text or none. The code alone cannot tell a planned drain from a crash.',
    },
    streamlab: 'The server ends the call with the trailer `streamlab-end-cause: server_shutdown`, and the client trusts the trailer over its socket\'s fate: `server_shutdown` on both sides. Both record `streamlab.detection_ms` from the SIGTERM (the child learns the cause time over IPC): a few milliseconds.',
    jaeger: 'Operation `scenario server-stop`: the CLIENT span (`streamlab-driver`) and the SERVER span (service `streamlab-server-process`) both carry a `goaway` event and `streamlab.end_cause=server_shutdown`. The SERVER span is ERROR: UNAVAILABLE counts as a server error in the semantic conventions.',
    grafana: `Dashboard ${FAILURE_MODES}, panel ${END_CAUSES}: \`server_shutdown\` in both columns.`,
    alert: null,
    quiet: 'No rule watches `server_shutdown`: a drain is planned (a deploy, a restart). In real traffic (scenario `none`) it burns the stream SLO\'s budget, so StreamSLOErrorBudgetBurnFast catches restarts that keep cutting streams; subscribers drained over and over show in FleetReconnectStorm.',
  },
};

export default scenario;
