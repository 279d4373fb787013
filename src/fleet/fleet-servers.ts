/**
 * The fleet's servers: `streamlab serve --topics parent` child processes, one per slot.
 * A slot is a fixed `127.0.0.1:port` in the subscribers' channel target
 * (`ipv4:addr1,addr2,…`), so a server started in a free slot joins the round robin by
 * itself once the channel's subchannel for that address reconnects. Each server is a member
 * of the topic relay while its process lives — or, with `bus`, a `serve --bus` that takes
 * its topics from NATS JetStream instead (issue 18).
 */
import { startServerProcess } from '../server-process/server-process.ts';
import type { ServerProcess } from '../server-process/server-process.ts';
import { unusedPort } from '../core/unused-port.ts';
import type { SpanRecord } from '../telemetry/span-record.ts';
import type { LifecycleObserver } from '../telemetry/lifecycle-event.ts';
import { busArgs } from '../bus/bus-serve-args.ts';
import type { BusTopicsOptions } from '../bus/bus-topics.ts';
import { FleetError } from './fleet-error.ts';
import type { RelayMember, TopicRelay } from './topic-relay.ts';

/** A server's state: running, draining after `stop`, or gone (stopped, killed, exited by itself). */
export type FleetServerState = 'running' | 'draining' | 'stopped' | 'killed' | 'exited';

/** A server as the control API lists it. */
export interface FleetServerView {
  id: string;
  /** gRPC `host:port`. */
  address: string;
  pid: number;
  state: FleetServerState;
  /** Calls open on it now (null when it is gone or did not answer within 1 s). */
  streams: number | null;
  /** Its /metrics port. */
  metrics_port: number;
}

/** What the servers need. */
export interface FleetServersDeps {
  relay: TopicRelay;
  /** Receives the children's finished spans, exported with the fleet's own. */
  importSpans(spans: readonly SpanRecord[]): void;
  /** Receives the children's stream ends (a scenario watching them). Default: dropped. */
  observer?: LifecycleObserver;
}

/** Options; every field has a default. */
export interface FleetServersOptions {
  /** Slots (addresses in the channel target). Default 5. */
  slots?: number;
  /**
   * Port of the first slot, the next ones follow. Default 7071 (the seed project's ports).
   * 0: a slot's port is the one its first server got from the kernel; slots that have not
   * run a server by the time the channel target is built get a free port then.
   */
  basePort?: number;
  /** Server keepalive, ms. Defaults 30,000 / 10,000 (src/server/create-server.ts). */
  keepaliveTimeMs?: number;
  keepaliveTimeoutMs?: number;
  /** On `stop`, how long streams may go on after GOAWAY, ms. Default 1,000. */
  shutdownGraceMs?: number;
  /** Events each server keeps per topic. Default serve's (1,000). */
  historySize?: number;
  /** Address the servers listen on (gRPC and /metrics). Default 127.0.0.1; 0.0.0.0 in a container. */
  host?: string;
  /** Message events per RPC span on the servers. Default {@link FLEET_MESSAGE_EVENTS}. */
  messageEvents?: number;
  /** The servers' max connection age (serve --max-connection-age-ms, …). Default: unlimited. */
  maxConnectionAge?: { ageMs: number; graceMs?: number };
  /** Give up on a server that has not reported its port after this long, ms. Default 15,000. */
  startTimeoutMs?: number;
  /** Servers on the bus (`serve --bus`) instead of members of the relay. */
  bus?: BusTopicsOptions;
}

/**
 * Message events per RPC span in a fleet, server and subscribers alike: 10, not serve's
 * 100. A subscription's span stays open for its whole life and holds its events in memory
 * (~210 B each, measured by bench:fleet): 100 would be ~20 KiB per stream and side after
 * 100 s of ticks. The counts stay exact in the span's attributes.
 */
export const FLEET_MESSAGE_EVENTS = 10;

/** How long a server may take to report its port, ms: several start at once, on a busy host too. */
const START_TIMEOUT_MS = 30_000;

interface Entry {
  /** Start order: `srv-<n>`. */
  n: number;
  id: string;
  slot: number;
  process: ServerProcess;
  state: FleetServerState;
}

/** The address clients dial for a server listening on `host`: loopback for the wildcard. */
const dialable = (host: string): string => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);

/** Creates the slots; no server runs until `start`. */
export function createFleetServers(deps: FleetServersDeps, options: FleetServersOptions = {}) {
  const slotCount = options.slots ?? 5;
  const basePort = options.basePort ?? 7071;
  // 0 = not known yet: the slot's first server binds port 0 and keeps what it got.
  const ports: number[] = Array.from({ length: slotCount }, (_, slot) => (basePort > 0 ? basePort + slot : 0));
  const entries: Entry[] = [];
  /** Slots whose server is starting. */
  const starting = new Set<number>();
  let nextId = 1;

  const view = async (entry: Entry): Promise<FleetServerView> => {
    const live = entry.state === 'running' || entry.state === 'draining';
    const status = live ? await entry.process.request({ type: 'status' }, 1_000) : undefined;
    return {
      id: entry.id, address: `${dialable(entry.process.address.host)}:${entry.process.address.port}`, pid: entry.process.pid,
      state: entry.state, streams: status?.value ?? null, metrics_port: entry.process.address.metricsPort,
    };
  };
  const find = (id: string): Entry => {
    const entry = entries.find((candidate) => candidate.id === id);
    if (!entry) throw new FleetError('not_found', `no server with id "${id}": known ids are ${entries.map((e) => e.id).join(', ') || 'none'}`);
    return entry;
  };

  return {
    /** The channel target's addresses, one per slot; fixes the port of every slot still without one. */
    async addresses(): Promise<string[]> {
      for (const [slot, port] of ports.entries()) if (port === 0) ports[slot] = await unusedPort();
      return ports.map((port) => `${dialable(options.host ?? '127.0.0.1')}:${port}`);
    },
    /**
     * Starts a server in the first free slot.
     * @throws FleetError conflict when every slot runs a server; Error when the child fails to start
     */
    async start(): Promise<FleetServerView> {
      const busy = new Set([...starting, ...entries.filter((e) => e.state === 'running' || e.state === 'draining').map((e) => e.slot)]);
      const slot = ports.findIndex((_, index) => !busy.has(index));
      if (slot < 0) throw new FleetError('conflict', `every one of the ${slotCount} slots (${ports.join(', ')}) runs a server: stop one first, or start the fleet with more --slots`);
      starting.add(slot);
      const n = nextId++;
      const { bus } = options;
      const child = await startServerProcess({
        observer: deps.observer ?? {},
        importSpans: deps.importSpans,
        onTopicMessage: (message) => {
          if (message.type === 'follow') deps.relay.follow(message.topic);
          else void deps.relay.publish(message.topic, message.text).then(({ delivered }) => child.send({ type: 'published', id: message.id, delivered }));
        },
      }, {
        port: ports[slot]!, ...(bus ? { extraArgs: [...busArgs(bus), '--no-report-events'] } : { topics: 'parent' as const }), ...(options.host ? { host: options.host } : {}), messageEvents: options.messageEvents ?? FLEET_MESSAGE_EVENTS, keepaliveTimeMs: options.keepaliveTimeMs ?? 30_000, keepaliveTimeoutMs: options.keepaliveTimeoutMs ?? 10_000,
        shutdownGraceMs: options.shutdownGraceMs ?? 1_000, startTimeoutMs: options.startTimeoutMs ?? START_TIMEOUT_MS, ...(options.historySize !== undefined ? { historySize: options.historySize } : {}),
        ...(options.maxConnectionAge ? { maxConnectionAge: options.maxConnectionAge } : {}),
      }).finally(() => starting.delete(slot));
      ports[slot] = child.address.port;
      const member: RelayMember = {
        deliver: async (topic, event) => (await child.request({ type: 'topic-event', topic, event }, 5_000))?.value ?? 0,
        sendHistory: (topics) => void child.send({ type: 'topic-history', id: 0, topics }),
      };
      if (!bus) deps.relay.join(member);
      const entry: Entry = { n, id: `srv-${n}`, slot, process: child, state: 'running' };
      entries.push(entry);
      entries.sort((a, b) => a.n - b.n); // start order, not the order they became ready
      void child.exited.then(() => {
        deps.relay.leave(member);
        if (entry.state === 'running') entry.state = 'exited';
        if (entry.state === 'draining') entry.state = 'stopped';
      });
      return view(entry);
    },
    /** Every server started so far, gone ones included. */
    list: (): Promise<FleetServerView[]> => Promise.all(entries.map(view)),
    /** One server. @throws FleetError not_found */
    get: (id: string): Promise<FleetServerView> => view(find(id)),
    /**
     * Kills (SIGKILL) or stops (SIGTERM: GOAWAY, drain, exit) server `id`; resolves once it exited.
     * @throws FleetError not_found, or conflict when it is already gone
     */
    async stop(id: string, mode: 'kill' | 'stop'): Promise<FleetServerView> {
      const entry = find(id);
      if (entry.state !== 'running') throw new FleetError('conflict', `server ${id} is ${entry.state}: only a running server can be stopped or killed`);
      if (mode === 'kill') {
        entry.state = 'killed';
        entry.process.signal('SIGKILL');
        await entry.process.exited;
      } else {
        entry.state = 'draining';
        await entry.process.stop(10_000);
        entry.state = 'stopped';
      }
      return view(entry);
    },
    /** Stops every running server (SIGTERM, then SIGKILL after 5 s). */
    async close(): Promise<void> {
      await Promise.all(entries.filter((e) => e.state === 'running').map(async (entry) => {
        entry.state = 'stopped';
        await entry.process.stop(5_000);
      }));
    },
  };
}

/** The servers built by {@link createFleetServers}. */
export type FleetServers = ReturnType<typeof createFleetServers>;
