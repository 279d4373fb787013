/**
 * Scenario `new-backend-unused`: its definition, expectation and lesson (design §3; the lesson's
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
import { FLEET, PER_BACKEND, RECONNECTS } from '../lessons/dashboards.ts';
import { NEW_BACKEND_UNUSED_LAB } from '../k8s/new-backend-unused.ts';

const scenario: Scenario = {
  name: 'new-backend-unused',
  summary: 'headless Service + round_robin: a new pod in the DNS answer gets nothing until the channel loses a connection and re-resolves',
  rpc: 'server_stream',
  count: 0,
  server: { kind: 'lab', lab: NEW_BACKEND_UNUSED_LAB },
  client: { kind: 'read-all' },
  network: { kind: 'clean' },
  expect: {
    client: 'server_shutdown', clientCode: UNAVAILABLE, server: 'server_shutdown',
    why: 'the first streams to end are those of the deleted pod srv-1, drained by its SIGTERM; losing that connection is what makes the channel ask DNS again',
  },
  lesson: {
    wire: [
      'The channel\'s target is `dns://127.0.0.1:PORT/streamlab-server-headless.streamlab.svc.cluster.local:PORT`: grpc-js asks that DNS server once (A, AAAA and TXT queries) and gets the three ready pods.',
      'Six subscribers, round_robin: two streams per pod, one connection per pod.',
      'A fourth pod becomes ready and the DNS answer gains its address. The channel does not ask again: it has no reason to, all its connections are fine. Three subscribers started now still go to the first three pods.',
      'Pod srv-1 is deleted: it leaves the answer and gets SIGTERM, sends GOAWAY and ends its streams with UNAVAILABLE and `streamlab-end-cause: server_shutdown`.',
      'Losing that connection makes round_robin ask its resolver again: an A query a few milliseconds after the GOAWAY, answered with srv-2, srv-3 and srv-4. srv-1\'s subscribers re-subscribe and now srv-4 gets streams.',
    ],
    library: {
      client: 'Nothing while the new pod waits; then `UNAVAILABLE: server shutting down` on srv-1\'s streams. Re-resolution shows only in grpc-js\'s trace log (`GRPC_TRACE=dns_resolver`).',
      server: 'srv-4 receives no call at all until the re-resolution; srv-1\'s drain ends its calls with UNAVAILABLE.',
      misleads: 'A grpc-js channel re-resolves only when a connection is lost, and not more often than `grpc.dns_min_time_between_resolutions_ms` (30 s): DNS TTLs do not matter. Scaling up adds pods that existing clients never use. grpc-js honours a DNS server named in the target only with `GRPC_NODE_USE_ALTERNATIVE_RESOLVER=true`, read once when it loads (that resolver ignores /etc/hosts).',
    },
    streamlab: 'The DNS server logs every query it answers, so the findings show when the channel asked: once at the start, then only after srv-1\'s GOAWAY. The first ends are srv-1\'s drain: `server_shutdown` on both sides (trailer). The subscribers resume after their last event id, with no gap.',
    jaeger: 'Operation `scenario new-backend-unused`: the subscribers\' CLIENT spans (from their own process, service streamlab-lab-subscribers) and the SERVER spans in service `streamlab-server-process`; srv-1\'s end with a `goaway` event and `streamlab.end_cause=server_shutdown`, the next attempt of each subscriber is a new span linked to the previous one, with `streamlab.resume.after_id` and `streamlab.backend` naming srv-4 for some.',
    grafana: `In a fleet, dashboard ${FLEET}, panel ${PER_BACKEND}: the new backend's line stays at 0 until a reconnect; ${RECONNECTS} shows the burst of \`server_shutdown\` that moves streams.`,
    alert: null,
    quiet: 'Nothing fails: the new pod is simply idle. Set a max connection age on the servers (lesson max-connection-age, deploy/k8s) so every channel reconnects and re-resolves regularly.',
  },
};

export default scenario;
