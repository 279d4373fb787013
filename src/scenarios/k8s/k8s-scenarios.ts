/**
 * The Kubernetes lessons (issue 19): how long-lived streams go wrong behind Services, load
 * balancers and max connection age, each a lab (scenario-lab.ts) over the fleet's servers and
 * subscribers. Their lessons are in src/scenarios/lessons/kubernetes.ts; the manifests they
 * explain are in deploy/k8s/ (docs/kubernetes.md).
 */
import type { Scenario } from '../scenario.ts';
import { CANCELLED, UNAVAILABLE } from '../grpc-codes.ts';
import { L4_PINNING_LAB } from './l4-pinning.ts';
import { LB_IDLE_TIMEOUT_LAB } from './lb-idle-timeout.ts';
import { MAX_CONNECTION_AGE_LAB } from './max-connection-age.ts';
import { NEW_BACKEND_UNUSED_LAB } from './new-backend-unused.ts';

/** The labs, in report order. */
export const K8S_SCENARIOS: readonly Scenario[] = [
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
];
