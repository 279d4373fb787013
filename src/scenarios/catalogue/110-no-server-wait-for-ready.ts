/**
 * Scenario `no-server-wait-for-ready`: its definition, expectation and lesson (design §3; the lesson's
 * conventions are in src/scenarios/lesson.ts).
 *
 * A liveness scenario: what happens to a stream when the server *process* dies, drains, freezes
 * or is not there (the seed experiment's (b), (c) and (d)). It runs Ticker/Subscribe against a
 * fresh `streamlab serve` child (src/server-process/server-process.ts) or against nothing at
 * all. The lesson is the phone line: a hang-up is heard; a peer who walked away without hanging
 * up is not, unless someone keeps checking (keepalive).
 */
import type { Scenario } from '../scenario.ts';
import { DEADLINE_EXCEEDED } from '../grpc-codes.ts';
import { FAILURE_MODES, END_CAUSES } from '../lessons/dashboards.ts';

const scenario: Scenario = {
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
  lesson: {
    wire: [
      'Nothing listens: every connect attempt (SYN) is answered by an RST from the kernel.',
      'With `waitForReady` the channel keeps the call queued and retries connecting with backoff instead of failing it.',
      'At 1 s the client\'s deadline passes. The call never had a stream: not one HTTP/2 frame was sent.',
    ],
    library: {
      client: '`DEADLINE_EXCEEDED: Deadline exceeded after 1.000s,name resolution: …,wait_for_ready,Waiting for LB pick`.',
      server: 'There is none.',
      misleads: 'DEADLINE_EXCEEDED usually means a slow server; here no server ever saw the call. Only `Waiting for LB pick` in the details hints that it never left the client.',
    },
    streamlab: 'The client ends `deadline_exceeded`, as the status says; what sets it apart from a slow server is the missing other side: no server end, no SERVER span, `none` in the report\'s server column. The cause clock is the deadline itself, so `streamlab.detection_ms` is about 0: the client\'s own timer.',
    jaeger: 'Operation `scenario no-server-wait-for-ready`: one CLIENT span, about 1 s long, `streamlab.end_cause=deadline_exceeded`, ERROR with the `Waiting for LB pick` details and no message received. No SERVER span.',
    grafana: `Dashboard ${FAILURE_MODES}, panel ${END_CAUSES}: \`deadline_exceeded\` in the client column only.`,
    alert: null,
    quiet: 'No rule watches `deadline_exceeded`, and the end is not `connect_failed`, so StreamConnectFailures does not count it (the scenario is also left out of it): a client that waits for ready hides an absent server behind its deadlines. Only StreamlabTargetDown, when the missing server is a scrape target, says it is gone.',
  },
};

export default scenario;
