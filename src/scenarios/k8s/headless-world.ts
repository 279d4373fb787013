/**
 * A headless Service on one machine: each pod a `streamlab serve` child on its own loopback
 * address (127.0.0.2, .3, …) and the same port, and a real DNS server whose A records for
 * the Service name are the ready pods, as the cluster DNS answers for a headless Service. The
 * subscribers dial `dns://127.0.0.1:DNSPORT/NAME:PORT` with round_robin, in a process of
 * their own (lab-subscriber-process.ts). Linux routes all of 127.0.0.0/8 to the loopback
 * interface, so the addresses need no set-up.
 */
import { createDnsServer } from '../../faults/dns-server.ts';
import type { DnsServer } from '../../faults/dns-server.ts';
import { unusedPort } from '../../core/unused-port.ts';
import { createFleetServers } from '../../fleet/fleet-servers.ts';
import type { FleetServers, FleetServersOptions, FleetServerView } from '../../fleet/fleet-servers.ts';
import { createTopicRelay } from '../../fleet/topic-relay.ts';
import type { TopicRelay } from '../../fleet/topic-relay.ts';
import { LAB_START_TIMEOUT_MS } from './lab-fleet.ts';
import type { LabContext } from './lab-run.ts';

/** The Service's name, as a pod in namespace `streamlab` would look it up. */
export const HEADLESS_NAME = 'streamlab-server-headless.streamlab.svc.cluster.local';

/** One pod: its server, on its own address. */
export interface Pod {
  id: string;
  ip: string;
  servers: FleetServers;
  view: FleetServerView;
}

/** What {@link startHeadlessWorld} builds. */
export interface HeadlessWorld {
  relay: TopicRelay;
  dns: DnsServer;
  /** The gRPC port every pod listens on. */
  port: number;
  /** The subscribers' target. */
  target: string;
  pods: Pod[];
  /** Starts pods `srv-N` on 127.0.0.(N+1), N following the last; together. */
  startPods(count: number): Promise<Pod[]>;
  /** Sets the Service's A records to these pods (the ready ones). */
  answer(pods: readonly Pod[]): void;
  /** The pod id of a peer `ip:port`, or `?`. */
  idOf(peer: string | null): string;
}

/**
 * Builds the relay (ticking every `tickMs`) and the DNS server; no pod yet.
 * @param serverOptions keepalive, grace and max connection age of every pod
 */
export async function startHeadlessWorld(lab: LabContext, tickMs: number, serverOptions: FleetServersOptions): Promise<HeadlessWorld> {
  const relay = createTopicRelay({ tickMs });
  lab.defer(() => relay.close());
  const dns = createDnsServer({ ttlS: 1 });
  lab.defer(() => dns.close());
  const dnsPort = await dns.listen();
  const port = await unusedPort();
  const pods: Pod[] = [];
  const world: HeadlessWorld = {
    relay, dns, port, pods,
    target: `dns://127.0.0.1:${dnsPort}/${HEADLESS_NAME}:${port}`,
    async startPods(count) {
      const first = pods.length + 1;
      const started = await Promise.all(Array.from({ length: count }, async (_, index) => {
        const n = first + index;
        const ip = `127.0.0.${n + 1}`;
        const servers = createFleetServers({ relay, importSpans: lab.deps.importSpans, observer: lab.deps.run.observer }, {
          keepaliveTimeMs: 1_000, keepaliveTimeoutMs: 1_000, startTimeoutMs: LAB_START_TIMEOUT_MS, ...serverOptions, host: ip, basePort: port, slots: 1,
        });
        lab.defer(() => servers.close());
        const view = await servers.start();
        return { id: `srv-${n}`, ip, servers, view };
      }));
      pods.push(...started);
      return started;
    },
    answer: (ready) => dns.set(HEADLESS_NAME, ready.map((pod) => pod.ip)),
    idOf: (peer) => pods.find((pod) => peer?.split(':')[0] === pod.ip)?.id ?? '?',
  };
  return world;
}
