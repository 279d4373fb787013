/**
 * Scenario `slow-consumer`: its definition, expectation and lesson (design §3; the lesson's
 * conventions are in src/scenarios/lesson.ts).
 *
 * One of the other endings: a deadline, a FIN from the network, a graceful drain with and
 * without enough grace, a slow consumer.
 */
import type { Scenario } from '../scenario.ts';
import { OK } from '../grpc-codes.ts';
import { FAILURE_MODES, END_CAUSES } from '../lessons/dashboards.ts';

const scenario: Scenario = {
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
  lesson: {
    wire: [
      'The server sends 100 events of 64 KiB each as fast as it can: DATA frames back to back.',
      'The client pauses 5 ms after each, so its WINDOW_UPDATE frames come slowly: the stream\'s flow-control window (64 KiB by default) fills up and the server must stop sending.',
      'Each WINDOW_UPDATE reopens the window and the server resumes. Nothing is lost and nothing is cut.',
      'All 100 events arrive; trailers with `grpc-status: 0` end the stream.',
    ],
    library: {
      client: '`OK`, after 100 messages.',
      server: '`write()` returned `false` now and then and `\'drain\'` followed; the handler ended OK.',
      misleads: 'Both sides say OK, so the waiting is invisible: gRPC has no metric for time blocked on flow control, and a server that ignores `write()` returning `false` just buffers in memory instead.',
    },
    streamlab: 'Both ends are `completed`; the difference is the server\'s waits. Each `write()` that returned `false` until `\'drain\'` is a `backpressure.wait` span and a `streamlab_backpressure_wait_seconds` observation, and the verdict requires at least one.',
    jaeger: 'Operation `scenario slow-consumer`: the SERVER span `streamlab.v1.Ticker/Subscribe` has `backpressure.wait` child spans, one per wait; both RPC spans end `streamlab.end_cause=completed`, their `message` events capped at 100 (the exact counts are in `streamlab.messages.sent` and `streamlab.messages.received`).',
    grafana: `Dashboard ${FAILURE_MODES}, panel ${END_CAUSES}: \`completed\` on both sides. No panel draws this scenario's waits: the "Backpressure waits" row of "Stream lifecycle — scenarios side by side" has the four core columns only ("completion · backpressure waits/s" and its neighbours), so graph \`side_scenario:streamlab_backpressure_wait_seconds:rate5m{scenario="slow-consumer"}\` in Prometheus.`,
    alert: {
      rule: 'StreamBackpressureStalls',
      when: 'It fires when streams spend more than 25 % of their time waiting for `\'drain\'`, for 5 minutes. A lab run waits a fraction of a second per round, far below; a consumer always this slow would fire it.',
    },
  },
};

export default scenario;
