/**
 * A bus to break on purpose (issue 18): one NATS server, or a 3-node JetStream cluster, as
 * child processes (nats-server-process.ts) whose nodes can be killed and restarted on the
 * same port and store. For the bus scenarios, the bus tests and the bus bench arm.
 */
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { unusedPort } from '../core/unused-port.ts';
import { startNatsNode } from './nats-server-process.ts';
import type { NatsNode, NatsNodeOptions } from './nats-server-process.ts';

/** Options of {@link startNatsBus}. */
export interface NatsBusOptions {
  /** 1 (a single server) or more (a JetStream cluster; 3 keeps a quorum when one dies). */
  nodes: number;
  /** Parent of the nodes' stores. */
  dir: string;
  /** The nats-server binary. Default: nats-server-process.ts's. */
  binary?: string;
  /** How long to wait for JetStream to answer (a cluster elects its meta leader first), ms. Default 30,000. */
  readyTimeoutMs?: number;
}

/**
 * Waits until JetStream answers on `urls`.
 * @throws Error after `timeoutMs`
 */
export async function waitForJetStream(urls: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const nc = await connect({ servers: urls.split(','), timeout: 2_000 });
      try {
        await (await jetstreamManager(nc, { timeout: 2_000 })).getAccountInfo();
        return;
      } finally {
        await nc.close();
      }
    } catch (error) {
      last = (error as Error).message;
      await delay(200);
    }
  }
  throw new Error(`JetStream on ${urls} did not answer within ${timeoutMs} ms: ${last}`);
}

/**
 * Starts the nodes and waits for JetStream.
 * @throws Error naming a node that did not start, or JetStream that did not answer
 */
export async function startNatsBus(options: NatsBusOptions) {
  const count = options.nodes;
  const ports = await Promise.all(Array.from({ length: count }, () => unusedPort()));
  const routePorts = count > 1 ? await Promise.all(Array.from({ length: count }, () => unusedPort())) : [];
  const specs: NatsNodeOptions[] = ports.map((port, index) => ({
    port, name: `n${index + 1}`, storeDir: join(options.dir, `n${index + 1}`),
    ...(options.binary ? { binary: options.binary } : {}),
    ...(count > 1 ? { cluster: { name: 'streamlab', port: routePorts[index]!, routes: routePorts.map((p) => `nats://127.0.0.1:${p}`) } } : {}),
  }));
  const nodes: Array<NatsNode | undefined> = await Promise.all(specs.map((spec) => startNatsNode(spec)));
  const urls = ports.map((port) => `nats://127.0.0.1:${port}`).join(',');
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  try {
    await waitForJetStream(urls, readyTimeoutMs);
  } catch (error) {
    await Promise.all(nodes.map((node) => node?.stop()));
    throw error;
  }
  return {
    /** Every node's URL, comma-separated: the value of `--bus`. */
    urls,
    /** Node `index` (0-based) while it runs. */
    node: (index: number): NatsNode | undefined => nodes[index],
    /** The index of the node named `name` (`n1` → 0). */
    indexOf: (name: string): number => specs.findIndex((spec) => spec.name === name),
    /**
     * SIGKILLs node `index`.
     * @returns the epoch ms the signal was sent
     */
    async kill(index: number): Promise<number> {
      const node = nodes[index];
      if (!node) throw new Error(`node ${index + 1} is not running`);
      const atMs = node.signal('SIGKILL');
      await node.exited;
      nodes[index] = undefined;
      return atMs;
    },
    /** Starts node `index` again on its port and store; resolves once it accepts clients. */
    async restart(index: number): Promise<NatsNode> {
      if (nodes[index]) throw new Error(`node ${index + 1} is running`);
      const node = await startNatsNode(specs[index]!);
      nodes[index] = node;
      return node;
    },
    /** Waits until JetStream answers again (after a restart). */
    ready: (timeoutMs = readyTimeoutMs) => waitForJetStream(urls, timeoutMs),
    /** Stops every node. */
    async close(): Promise<void> {
      await Promise.all(nodes.map((node) => node?.stop()));
    },
  };
}

/** A bus started by {@link startNatsBus}. */
export type NatsBus = Awaited<ReturnType<typeof startNatsBus>>;
