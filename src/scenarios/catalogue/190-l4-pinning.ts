/**
 * Scenario `l4-pinning`: its definition, expectation and lesson (design §3; the lesson's
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
import { FLEET, PER_BACKEND, PER_SERVER } from '../lessons/dashboards.ts';
import { L4_PINNING_LAB } from '../k8s/l4-pinning.ts';

const scenario: Scenario = {
  name: 'l4-pinning',
  summary: 'a ClusterIP Service balances connections: every stream of a channel lands on one pod, while round_robin over the pods spreads them',
  rpc: 'server_stream',
  count: 0,
  server: { kind: 'lab', lab: L4_PINNING_LAB },
  client: { kind: 'read-all' },
  network: { kind: 'clean' },
  expect: {
    client: 'client_cancelled', clientCode: CANCELLED, server: 'client_cancelled',
    why: 'no stream fails here: what goes wrong is where they go (the findings); the runner ends them all with cancel() at the end',
  },
  lesson: {
    wire: [
      'Nine subscribers share one channel whose target is one address, as a ClusterIP Service\'s virtual IP is: the channel opens one TCP connection.',
      'The L4 balancer (kube-proxy\'s part: it picks a backend per connection, in turn as IPVS `rr` does, at random in iptables mode) sends that connection to one server and only copies bytes after that.',
      'All nine streams are HTTP/2 streams multiplexed on that connection: the balancer never sees them, so all nine land on the one server; the other two get nothing.',
      'The same nine on a `round_robin` channel over the three servers\' own addresses (a headless Service\'s DNS answer) open three connections and spread three, three, three.',
    ],
    library: {
      client: 'Nothing: every stream is healthy, `getPeer()` names the balancer\'s address for all nine.',
      server: 'Nothing: one server has nine open streams, the others none.',
      misleads: 'No error, no status, no log says anything is wrong: the imbalance only shows in per-pod load. Scaling the Deployment up does not help, because new pods get no connection from existing channels.',
    },
    streamlab: 'The lab counts streams per server from the servers themselves (the balancer hides the backend from `getPeer()`) and per backend from each subscriber\'s peer on the round_robin channel; the findings print both spreads. The streams end only when the runner stops the subscribers: `client_cancelled` on both sides.',
    jaeger: 'Operation `scenario l4-pinning` (service `streamlab-driver`): 18 CLIENT spans `streamlab.v1.Ticker/Subscribe`, each with `streamlab.subscriber.id` and `streamlab.backend`, and the SERVER spans in service `streamlab-server-process`; `streamlab.backend` is the balancer\'s address for the nine pinned ones. All end `streamlab.end_cause=client_cancelled`.',
    grafana: `In a fleet, dashboard ${FLEET}, panels ${PER_SERVER} (one server carries every stream of the pinned channels) and ${PER_BACKEND}.`,
    alert: null,
    quiet: 'Nothing fails, so no rule fires: watch the spread of open streams per pod instead, and use a headless Service with client-side `round_robin` (deploy/k8s/services.yaml) or an L7 proxy that balances streams.',
  },
};

export default scenario;
