/**
 * Scenario `max-connection-age`: its definition, expectation and lesson (design §3; the lesson's
 * conventions are in src/scenarios/lesson.ts).
 *
 * A Kubernetes lesson (issue 19): how long-lived streams go wrong behind Services, load
 * balancers and max connection age, as a lab (src/scenarios/k8s/) over the fleet's servers and
 * subscribers; the manifests it explains are in deploy/k8s/ (docs/kubernetes.md). Sources: the
 * Kubernetes blog "gRPC load balancing on Kubernetes without tears" (2018), gRFC A9 (max
 * connection age), grpc/grpc-node#2455 and #1663 (re-resolution), grpc/grpc-node#3068
 * (keepalive after GOAWAY), the AWS NLB documentation (350 s idle timeout).
 */
import type { Scenario } from '../scenario.ts';
import { UNAVAILABLE } from '../grpc-codes.ts';
import { FLEET, PER_BACKEND, RECONNECTS, GAPS } from '../lessons/dashboards.ts';
import { MAX_CONNECTION_AGE_LAB } from '../k8s/max-connection-age.ts';

const scenario: Scenario = {
  name: 'max-connection-age',
  summary: 'servers with a max connection age send GOAWAY and cut streams older than the grace; subscribers resume without gaps and the new server gets its share',
  rpc: 'server_stream',
  count: 0,
  server: { kind: 'lab', lab: MAX_CONNECTION_AGE_LAB },
  client: { kind: 'read-all' },
  network: { kind: 'clean' },
  expect: {
    client: 'server_shutdown', clientCode: UNAVAILABLE, server: 'server_shutdown',
    why: 'GOAWAY lets open streams go on for the grace only; then the server ends them, and they re-subscribe over new connections',
  },
  lesson: {
    wire: [
      'Two pods serve six subscribers through a headless Service; a third pod joins the DNS answer and gets nothing (lesson new-backend-unused).',
      'At its max connection age (4 s here, ±10 % jitter) each server sends GOAWAY (NO_ERROR, debug data `max_age`) on the connection: no new streams there, open ones may go on.',
      'The client\'s subchannel goes IDLE, round_robin asks DNS again and finds the new pod, and new calls go over new connections.',
      'When the grace (500 ms here) runs out, streamlab\'s server ends the streams still open on that connection with trailers `grpc-status: 14` and `streamlab-end-cause: server_shutdown`.',
      'Each subscriber re-subscribes after its backoff with `resume_after_id`; the server replays what it missed, and the new pod takes its share.',
    ],
    library: {
      client: '`UNAVAILABLE: max connection age: connection drained after …` from streamlab\'s server. Left to grpc-js, the grace ends with the session destroyed: RST_STREAM NO_ERROR and `INTERNAL: Received RST_STREAM with code 0 (Call ended without gRPC status)`.',
      server: 'grpc-js sends the GOAWAY and, after the grace, destroys the session: its calls see only `\'cancelled\'`.',
      misleads: 'Left to grpc-js a planned rebalance reads INTERNAL, a server bug, on the client. And with keepalive on, grpc-js 1.14 sends its next PING on the session it closed after the GOAWAY; the PING fails at once and that side destroys the connection before the grace ends (grpc/grpc-node#3068 for the client, the same on the server): streams are cut within one keepalive interval, whatever the grace.',
    },
    streamlab: 'The server watches grpc-js\'s max-age GOAWAY on each connection and, when the grace is over, ends that connection\'s calls itself as its shutdown does (src/server/connection-age.ts), so both sides say `server_shutdown`; grpc-js\'s own cut comes 1 s later as a backstop. The subscribers\' accounts show 0 gaps and 0 duplicates.',
    jaeger: 'Operation `scenario max-connection-age`: the first SERVER spans (service `streamlab-server-process`) and the CLIENT spans of the subscribers end after about 4.5 s with a `goaway` event and `streamlab.end_cause=server_shutdown`; each next attempt links to the previous one and has `streamlab.resume.after_id`, some with `streamlab.backend` on the new pod.',
    grafana: `Dashboard ${FLEET}, panels ${RECONNECTS} (a burst of \`server_shutdown\` every max age), ${GAPS} (flat at 0) and ${PER_BACKEND} (the new pod's line rises after the first burst).`,
    alert: null,
    quiet: 'A max-age reconnect is planned churn: `server_shutdown` is watched by no rule. FleetReconnectStorm fires when reconnects stay above 1/s for 2 minutes: with many subscribers per pod pick an age long enough (subscribers per pod / age in seconds well under 1), and FleetResumeGaps fires if a resume ever loses events.',
  },
};

export default scenario;
