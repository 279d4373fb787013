/**
 * Scenario `lb-idle-timeout`: its definition, expectation and lesson (design §3; the lesson's
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
import { CANCELLED } from '../grpc-codes.ts';
import { FAILURE_MODES, END_CAUSES } from '../lessons/dashboards.ts';
import { LB_IDLE_TIMEOUT_LAB } from '../k8s/lb-idle-timeout.ts';

const scenario: Scenario = {
  name: 'lb-idle-timeout',
  summary: 'a load balancer silently forgets connections idle over 1 s (an NLB: 350 s): client keepalive below that keeps a quiet stream alive; without it the stream dies unseen',
  rpc: 'server_stream',
  count: 0,
  server: { kind: 'lab', lab: LB_IDLE_TIMEOUT_LAB },
  client: { kind: 'read-all' },
  network: { kind: 'clean' },
  expect: {
    client: 'client_cancelled', clientCode: CANCELLED, server: 'keepalive_timeout',
    why: 'the forgotten connection delivers nothing and closes nothing: only the server\'s keepalive PING goes unanswered; the client without keepalive would wait forever, so the runner cancels it',
  },
  lesson: {
    wire: [
      'Two subscribers on one server, each channel through a load balancer that forgets a TCP connection after 1 s without a byte (an AWS NLB: 350 s) and from then on drops its packets silently, as a NAT table does.',
      'The topic is quiet for 2.5 s. The channel with keepalive PINGs every 300 ms keeps its connection known: PING and PING ACK are traffic.',
      'The channel without client keepalive is idle: the balancer forgets it after 1 s. The server\'s PINGs (every 2 s, above the timeout, as gRPC\'s 2 h default is above 350 s) come too late to keep it.',
      'The next event goes out on both connections; on the forgotten one the balancer drops it. No FIN, no RST: the client keeps waiting on a stream that no longer exists.',
      'The server\'s next PING is dropped too; after its 1 s timeout the server closes the connection (its GOAWAY and FIN are dropped as well).',
    ],
    library: {
      client: 'Nothing at all on the quiet channel: no status, no error, the stream looks open forever.',
      server: '`\'cancelled\'` when its own keepalive timer destroys the connection; the event it wrote into the void was counted as delivered.',
      misleads: 'The server believes it delivered the event; the client believes it is still subscribed. An AWS NLB answers a packet on a forgotten flow with RST to its sender, so there the side that sends next notices at once; a NAT gateway or firewall that drops silently leaves only keepalive.',
    },
    streamlab: 'The balancer logs when it forgets each connection (the cause row), the server\'s end is `keepalive_timeout` (its socket closed locally after an unanswered PING), and the findings show the quiet subscriber still `streaming` with its last event before the quiet: it would wait forever, so the runner cancels it (`client_cancelled`). The kept subscriber got every event.',
    jaeger: 'Operation `scenario lb-idle-timeout`: the quiet stream\'s SERVER span (service `streamlab-server-process`) ends with `keepalive.timeout`, `transport.close` (`streamlab.transport.close_kind=local`) and `streamlab.end_cause=keepalive_timeout`; its CLIENT span (service `streamlab-driver`) has no event after the first message until the runner\'s `stream.cancel`, `streamlab.end_cause=client_cancelled`.',
    grafana: `Dashboard ${FAILURE_MODES}, panel ${END_CAUSES}: \`keepalive_timeout\` in the server column, \`client_cancelled\` in the client column.`,
    alert: {
      rule: 'StreamKeepaliveTimeouts',
      when: 'On the server side: every run ends one stream `keepalive_timeout`, above the rule\'s 1 % for 1 minute. With real clients the silent ones also show in StreamStuck (no message for 10 minutes): set client keepalive below the smallest idle timeout on the path (deploy/k8s: 30 s).',
    },
  },
};

export default scenario;
