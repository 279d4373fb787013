/**
 * Scenario `deadline`: its definition, expectation and lesson (design §3; the lesson's
 * conventions are in src/scenarios/lesson.ts).
 *
 * One of the other endings: a deadline, a FIN from the network, a graceful drain with and
 * without enough grace, a slow consumer.
 */
import type { Scenario } from '../scenario.ts';
import { DEADLINE_EXCEEDED } from '../grpc-codes.ts';
import { FAILURE_MODES, END_CAUSES } from '../lessons/dashboards.ts';

const scenario: Scenario = {
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
  lesson: {
    wire: [
      'The request HEADERS carry `grpc-timeout: 500m`: the server learns the deadline too.',
      'Events flow at the run\'s pace; the stream would never end by itself.',
      'At 500 ms the client\'s deadline timer fires and grpc-js sends RST_STREAM CANCEL. The server\'s own timer, started when the request arrived, runs a little later; had it fired first, it would have sent trailers with `grpc-status: 4`.',
      'The TCP connection stays open.',
    ],
    library: {
      client: '`DEADLINE_EXCEEDED: Deadline exceeded after 0.501s,…,remote_addr=…`, written by the client\'s own timer.',
      server: '`\'cancelled\'`, from the client\'s RST_STREAM; grpc-js\'s server deadline timer, when it fires first, sends `DEADLINE_EXCEEDED: Deadline exceeded` itself.',
      misleads: 'On the server the deadline\'s RST_STREAM CANCEL is the same `\'cancelled\'` as a user\'s cancel. On the client, DEADLINE_EXCEEDED does not say whether the server was slow or the deadline too short for a stream that never ends.',
    },
    streamlab: 'At `\'cancelled\'` the server compares the call\'s deadline (from `grpc-timeout`) with the time: passed, within 50 ms of clock skew plus however late the server\'s own timers ran in the last second (a busy server read the request late), means `deadline_exceeded`, not `client_cancelled`. The client reads its status code. The cause clock is the deadline, so `streamlab.detection_ms` is a millisecond or two.',
    jaeger: 'Operation `scenario deadline`: both RPC spans last about 500 ms and end with `stream.end` and `streamlab.end_cause=deadline_exceeded`, no `stream.cancel`; both are ERROR (DEADLINE_EXCEEDED counts as a server error in the semantic conventions).',
    grafana: `Dashboard ${FAILURE_MODES}, panel ${END_CAUSES}: \`deadline_exceeded\` in both columns.`,
    alert: null,
    quiet: 'No rule watches `deadline_exceeded` on its own: the deadline is the client\'s choice. In real traffic (scenario `none`) these ends burn the stream SLO\'s budget, so StreamSLOErrorBudgetBurnFast fires when they become frequent.',
  },
};

export default scenario;
