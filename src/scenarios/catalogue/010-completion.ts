/**
 * Scenario `completion`: its definition, expectation and lesson (design §3; the lesson's
 * conventions are in src/scenarios/lesson.ts).
 *
 * One of the core set (completion, cancel, disconnect, blackhole): the three endings of the
 * seed experiment side by side, and the silent one.
 */
import type { Scenario } from '../scenario.ts';
import { OK } from '../grpc-codes.ts';
import { LIFECYCLE } from '../lessons/dashboards.ts';

const scenario: Scenario = {
  name: 'completion',
  summary: 'the client reads every event; the server ends with OK',
  core: true,
  rpc: 'server_stream',
  count: 5,
  client: { kind: 'read-all' },
  network: { kind: 'clean' },
  expect: { client: 'completed', clientCode: OK, server: 'completed', why: 'the handler returns OK after the last event and the client reads the OK status' },
  lesson: {
    wire: [
      'The client opens the stream: HEADERS (`POST /streamlab.v1.Ticker/Subscribe`) and one DATA frame with the request, flagged END_STREAM: the client has nothing more to send.',
      'The server answers with HEADERS, then one DATA frame per event (5).',
      'The server ends the stream with trailers: a HEADERS frame flagged END_STREAM carrying `grpc-status: 0` and `streamlab-end-cause: completed`.',
      'The TCP connection stays open for the next call: no RST_STREAM, no GOAWAY, no FIN.',
    ],
    library: {
      client: '`OK`, after the 5 messages.',
      server: 'The handler returns; grpc-js still emits `\'cancelled\'` on the call, as it does on every end since 1.10.',
      misleads: 'Nothing misleads here, but note the server\'s `\'cancelled\'`: code that counts it as "the client cancelled" counts every successful stream too.',
    },
    streamlab: 'Both sides receive or send an OK status: `completed`. Nobody caused the end, so there is no cause time and no `streamlab.detection_ms`. This is the baseline the other scenarios differ from.',
    jaeger: 'Service `streamlab-driver`, operation `scenario completion`: the CLIENT span `streamlab.v1.Ticker/Subscribe` and the SERVER span of the same name (service `streamlab-server`), both `streamlab.end_cause=completed`, status unset, with events `stream.open`, one `message` per message and `stream.end`.',
    grafana: `Dashboard ${LIFECYCLE}, panels "completion · end causes (5m)" (only \`completed\`, on both sides) and "completion · messages/s"; the "completion · detection latency" panel says why it has nothing to show.`,
    alert: null,
    quiet: 'A completed stream is the stream SLO\'s good event. Scenario `completion` is one of the two the SLO counts (with real traffic, `none`), so StreamSLOErrorBudgetBurnFast and StreamSLOErrorBudgetBurnSlow fire if these streams start ending any other way.',
  },
};

export default scenario;
