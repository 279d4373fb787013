/**
 * Scenario `no-server`: its definition, expectation and lesson (design §3; the lesson's
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
  lesson: {
    wire: [
      'The client\'s SYN reaches a port where nothing listens; the kernel answers with an RST: connection refused.',
      'No TCP connection means no HTTP/2 at all: no HEADERS, no stream, nothing any server could see.',
    ],
    library: {
      client: '`UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:PORT …`, at once, since the call does not wait for ready.',
      server: 'There is none.',
      misleads: 'UNAVAILABLE is the same code as a stream cut in the middle: retries, dashboards and alerts by code mix up "never connected" and "lost the connection".',
    },
    streamlab: 'The client knows no connection ever carried the call, so its UNAVAILABLE becomes `connect_failed`, with the OS error in `error.type` (`ECONNREFUSED`) and in `connect_error` of `--json`. `streamlab.detection_ms` runs from the start of the call: a few milliseconds.',
    jaeger: 'Operation `scenario no-server`: one CLIENT span, `streamlab.end_cause=connect_failed`, `error.type=ECONNREFUSED`, no message received, status ERROR with the details above. No SERVER span exists.',
    grafana: `Dashboard ${FAILURE_MODES}, panel ${END_CAUSES}: \`connect_failed\` in the client column and no server counts.`,
    alert: {
      rule: 'StreamConnectFailures',
      when: 'It fires when clients keep ending streams `connect_failed` for about 3 minutes. The no-server scenarios fail on purpose and are left out of it, so it stays quiet in the lab; their runs are covered by StreamScenarioVerdictMismatch. In the alerts matrix (`streamlab alerts test`, docs/alerts.md) the failing streams carry real traffic\'s label (scenario `none`), and it fires about 5 minutes after they start.',
    },
  },
};

export default scenario;
