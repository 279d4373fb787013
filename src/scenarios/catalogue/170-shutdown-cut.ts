/**
 * Scenario `shutdown-cut`: its definition, expectation and lesson (design §3; the lesson's
 * conventions are in src/scenarios/lesson.ts).
 *
 * One of the other endings: a deadline, a FIN from the network, a graceful drain with and
 * without enough grace, a slow consumer.
 */
import type { Scenario } from '../scenario.ts';
import { UNAVAILABLE } from '../grpc-codes.ts';
import { FAILURE_MODES, END_CAUSES, DETECTION } from '../lessons/dashboards.ts';

/** The cut drain's grace, ms: short, so the never-ending stream outlives it. */
const SHORT_GRACE_MS = 300;

const scenario: Scenario = {
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
  lesson: {
    wire: [
      'One event reaches the client; then SIGTERM: GOAWAY (NO_ERROR), and the stream in flight goes on.',
      'Events keep coming during the 300 ms grace: this stream never ends by itself.',
      'When the grace is over the server ends it: trailers with `grpc-status: 14`, `grpc-message: server shutting down` and `streamlab-end-cause: server_shutdown`.',
      'Then FIN, and the process exits.',
    ],
    library: {
      client: '`UNAVAILABLE: server shutting down`, about 300 ms after the SIGTERM.',
      server: 'The shutdown fails the call with that status; `\'cancelled\'` fires as on every end.',
      misleads: 'From the code the client cannot tell that the server tried to be graceful: UNAVAILABLE is also a crash. Compare `shutdown`: the same GOAWAY, but the stream fit in the grace.',
    },
    streamlab: 'The trailer `streamlab-end-cause: server_shutdown` names the cause on the client; the server knows it ended the call in its drain. `streamlab.detection_ms` from the SIGTERM is the grace, about 300 ms, on both sides.',
    jaeger: 'Operation `scenario shutdown-cut`: both RPC spans carry a `goaway` event and `streamlab.end_cause=server_shutdown`, about 300 ms after the SIGTERM; the SERVER span (service `streamlab-server-process`) is ERROR (UNAVAILABLE).',
    grafana: `Dashboard ${FAILURE_MODES}, panels ${END_CAUSES} (\`server_shutdown\` on both sides) and ${DETECTION} (about 0.3 s on both sides: the grace).`,
    alert: null,
    quiet: 'No rule watches `server_shutdown`. A grace shorter than the streams it drains cuts every long stream at every deploy: in real traffic (scenario `none`) that burns the stream SLO\'s budget (StreamSLOErrorBudgetBurnFast), and fleet subscribers show it in FleetReconnectStorm.',
  },
};

export default scenario;
