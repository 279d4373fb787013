/**
 * Scenario `server-suspend-no-keepalive`: its definition, expectation and lesson (design §3; the lesson's
 * conventions are in src/scenarios/lesson.ts).
 *
 * A liveness scenario: what happens to a stream when the server *process* dies, drains, freezes
 * or is not there (the seed experiment's (b), (c) and (d)). It runs Ticker/Subscribe against a
 * fresh `streamlab serve` child (src/server-process/server-process.ts) or against nothing at
 * all. The lesson is the phone line: a hang-up is heard; a peer who walked away without hanging
 * up is not, unless someone keeps checking (keepalive).
 */
import type { Scenario } from '../scenario.ts';
import { CANCELLED } from '../grpc-codes.ts';
import { FAILURE_MODES, END_CAUSES, DETECTION } from '../lessons/dashboards.ts';

const scenario: Scenario = {
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
  lesson: {
    wire: [
      'One event reaches the client; then SIGSTOP freezes the server.',
      'The client\'s keepalive is off: it sends no PING, so nothing on the wire goes unanswered. A frozen peer looks like a quiet stream.',
      'After 3 s (`--frozen-wait-ms`) the runner gives up and calls `cancel()`: an RST_STREAM CANCEL lands in the frozen server\'s receive buffer.',
      'SIGCONT: the server reads that RST_STREAM; the connection stays open.',
    ],
    library: {
      client: 'Nothing at all while the server is frozen; then `CANCELLED: Cancelled on client`, the status of its own cancel.',
      server: 'After SIGCONT, `\'cancelled\'`.',
      misleads: 'No status, no error, no event: a client without keepalive waits forever on a frozen peer, and the status it finally gets blames itself.',
    },
    streamlab: 'Nothing signals the freeze, so streamlab cannot detect it either: the runner watches the silent client for 3 s, reports "still waiting after 3 s — without keepalive it would wait forever", and cancels it. Both sides then end `client_cancelled` (the server `keepalive_timeout` if its own timer fires first); the 3 s of `streamlab.detection_ms` are the runner\'s patience, not a detection.',
    jaeger: 'Operation `scenario server-suspend-no-keepalive`: both RPC spans show `stream.open`, a message or two, about 3 s of nothing, then `stream.cancel` and `stream.end` with `streamlab.end_cause=client_cancelled`; no `keepalive.timeout`, no `transport.close`. The SERVER span is in service `streamlab-server-process`.',
    grafana: `Dashboard ${FAILURE_MODES}, panels ${END_CAUSES} (\`client_cancelled\` on both sides, which hides the freeze) and ${DETECTION} (about 3 s: the runner's wait).`,
    alert: {
      rule: 'StreamStuck',
      when: 'In real life, with nobody to cancel: streams open with no message for about 10 minutes (none in 5 minutes, for 5 more) fire it. In the lab the runner cancels after 3 s, long before, so nothing fires. In the alerts matrix (`streamlab alerts test`, docs/alerts.md) it stays quiet too: mixed with healthy streams, the stuck ones never silence a whole side, which is what the rule asks.',
    },
  },
};

export default scenario;
