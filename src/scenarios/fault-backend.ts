/**
 * Where a scenario's network faults come from. One scenario abstraction, several
 * backends: the embedded fault proxy (default, in process) and, in docker compose,
 * Toxiproxy (src/scenarios/toxiproxy-backend.ts).
 */
import type { FaultKind } from '../faults/fault-proxy.ts';
import { createFaultProxy } from '../faults/fault-proxy.ts';

/** A network path between the client and the server that can be broken on command. */
export interface FaultPath {
  /** `host:port` the client should dial. */
  readonly target: string;
  /**
   * Breaks the path.
   * @returns when the fault took effect, epoch ms
   */
  inject(fault: FaultKind): Promise<number>;
  /** Tears the path down (removes toxics, closes the proxy). Never rejects. */
  close(): Promise<void>;
}

/** Opens one fresh fault path per scenario run. */
export interface FaultBackend {
  readonly name: string;
  /**
   * @param upstream `host:port` of the server
   * @throws Error when the path cannot be set up (port in use, proxy API down)
   */
  open(upstream: { host: string; port: number }): Promise<FaultPath>;
}

/** The embedded TCP fault proxy (src/faults/fault-proxy.ts) on 127.0.0.1, a fresh one per path. */
export function createEmbeddedFaultBackend(): FaultBackend {
  return {
    name: 'embedded',
    async open(upstream) {
      const proxy = createFaultProxy({ upstreamHost: upstream.host, upstreamPort: upstream.port });
      const bound = await proxy.listen();
      const apply: Record<FaultKind, () => number> = {
        reset: () => proxy.reset(),
        close: () => proxy.closeConnections(),
        blackhole: () => proxy.blackhole(),
      };
      return {
        target: `${bound.host}:${bound.port}`,
        inject: async (fault) => performance.timeOrigin + apply[fault](),
        close: () => proxy.close(),
      };
    },
  };
}
