/**
 * The Toxiproxy fault backend (docker compose): the driver cuts the network through
 * Toxiproxy's HTTP API (https://github.com/Shopify/toxiproxy#http-api) with
 * toxiproxy-node-client:
 * - `reset`: a `reset_peer` toxic (timeout 0) both ways — TCP RST on the next data;
 * - `blackhole`: a `timeout` toxic with timeout 0 both ways — data silently dropped,
 *   sockets stay open, so only keepalive notices;
 * - `close`: the proxy is disabled — Toxiproxy closes its connections.
 * Between scenarios every toxic is removed and the proxy re-enabled (POST /reset).
 */
import { Toxiproxy } from 'toxiproxy-node-client';
import type { Proxy as ToxiproxyProxy, ToxicType } from 'toxiproxy-node-client';
import type { FaultKind } from '../faults/fault-proxy.ts';
import { nowMs } from '../core/clock.ts';
import type { FaultBackend, FaultPath } from './fault-backend.ts';

/** Options of {@link createToxiproxyBackend}. */
export interface ToxiproxyBackendOptions {
  /** Toxiproxy's HTTP API, e.g. `http://toxiproxy:8474`. */
  apiUrl: string;
  /** Name of the Toxiproxy proxy. Default `streamlab`. */
  proxyName?: string;
  /** Address Toxiproxy listens on for the clients, e.g. `0.0.0.0:50052`. */
  listen: string;
  /** Address clients dial to reach that listener, e.g. `toxiproxy:50052`. */
  target: string;
}

const TOXICS: Record<Exclude<FaultKind, 'close'>, ToxicType> = { reset: 'reset_peer', blackhole: 'timeout' };

/**
 * Creates the backend. Nothing is contacted until `open()`.
 * @throws (from `open`) Error naming the API URL when Toxiproxy cannot be reached
 */
export function createToxiproxyBackend(options: ToxiproxyBackendOptions): FaultBackend {
  const toxiproxy = new Toxiproxy(options.apiUrl);
  const name = options.proxyName ?? 'streamlab';

  async function ensureProxy(upstream: string): Promise<ToxiproxyProxy> {
    const proxies = await toxiproxy.getAll();
    const existing = proxies[name];
    if (existing && existing.upstream === upstream && existing.listen.endsWith(`:${options.listen.split(':').at(-1)}`)) return existing;
    if (existing) await existing.remove();
    return toxiproxy.createProxy({ name, listen: options.listen, upstream });
  }

  return {
    name: 'toxiproxy',
    async open(upstream): Promise<FaultPath> {
      let proxy: ToxiproxyProxy;
      try {
        await toxiproxy.reset();
        proxy = await ensureProxy(`${upstream.host}:${upstream.port}`);
      } catch (error) {
        throw new Error(`Toxiproxy API at ${options.apiUrl} failed: ${(error as Error).message}`, { cause: error });
      }
      return {
        target: options.target,
        async inject(fault) {
          const atMs = nowMs();
          if (fault === 'close') {
            await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
            return atMs;
          }
          await Promise.all((['downstream', 'upstream'] as const).map((stream) => proxy.addToxic({
            name: `streamlab_${fault}_${stream}`, type: TOXICS[fault], stream, toxicity: 1, attributes: { timeout: 0 },
          })));
          return atMs;
        },
        async close() {
          await toxiproxy.reset().catch(() => {});
        },
      };
    },
  };
}
