/**
 * Scenario `shutdown`: its definition, expectation and lesson (design §3; the lesson's
 * conventions are in src/scenarios/lesson.ts).
 *
 * One of the other endings: a deadline, a FIN from the network, a graceful drain with and
 * without enough grace, a slow consumer.
 */
import type { Scenario } from '../scenario.ts';
import { OK } from '../grpc-codes.ts';
import { FAILURE_MODES, END_CAUSES, DETECTION } from '../lessons/dashboards.ts';

/** Grace the drain gives: the rest of the stream after the first event, plus 1 s. */
const WHOLE_STREAM_GRACE = ({ intervalMs, count }: { intervalMs: number; count: number }) => intervalMs * count + 1_000;

const scenario: Scenario = {
  name: 'shutdown',
  summary: 'SIGTERM the server process after the first event with grace for the rest: GOAWAY, and the stream finishes',
  rpc: 'server_stream',
  count: 3,
  server: { kind: 'process', fault: { kind: 'terminate', afterMessages: 1, graceMs: WHOLE_STREAM_GRACE } },
  client: { kind: 'read-all' },
  network: { kind: 'clean' },
  expect: {
    client: 'completed',
    clientCode: OK,
    server: 'completed',
    why: 'GOAWAY stops new streams only: the stream in flight finishes within the grace and ends OK on both sides',
  },
  lesson: {
    wire: [
      'One event reaches the client; then SIGTERM.',
      'The server sends GOAWAY (NO_ERROR): no new streams on this connection, but the stream in flight goes on.',
      'The remaining events arrive, then trailers with `grpc-status: 0` and `streamlab-end-cause: completed`, well within the grace.',
      'The server closes the connection (FIN) and exits; a new call would open a new connection.',
    ],
    library: {
      client: '`OK`, as if nothing had happened.',
      server: 'The handler ends OK; `\'cancelled\'` fires as on every end.',
      misleads: 'Nothing misleads, and that is the point: a good drain is invisible. grpc-js does not tell the client application that a GOAWAY came. One trap: a grpc-js client with keepalive sends its next PING after the GOAWAY, Node refuses to send it on a closing session, and grpc-js drops the connection with every stream still draining (`UNAVAILABLE: Connection dropped`, grpc/grpc-node#3068, open in 1.14). This run\'s stream ends within one keepalive interval; a drain longer than the client\'s keepalive interval is cut by the client itself.',
    },
    streamlab: 'Both sides end `completed`. The only trace of the drain is `streamlab.detection_ms` on both spans, measured from the SIGTERM to the end: the time the rest of the stream took.',
    jaeger: 'Operation `scenario shutdown`: both RPC spans end with `streamlab.end_cause=completed`, status unset. There is no `goaway` event: streamlab records one only on streams the drain ended, so the drain shows as `streamlab.detection_ms` and a SERVER span in service `streamlab-server-process`.',
    grafana: `Dashboard ${FAILURE_MODES}, panels ${END_CAUSES} (\`completed\` on both sides) and ${DETECTION} (the rest of the stream after the SIGTERM).`,
    alert: null,
    quiet: 'Nothing failed: the drain let the stream finish, which is what a deploy should look like, so no rule has anything to say.',
  },
};

export default scenario;
