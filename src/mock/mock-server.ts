/**
 * `streamlab mock` assembled: the user's protos served from scripts by a streamlab server
 * (observed, with the admin services: `grpcurl` works through reflection) on an internal
 * loopback port, behind the mock's own fault proxy on the public address, so a script can
 * break the very connection of its call (transport-faults.ts).
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { createFaultProxy } from '../faults/fault-proxy.ts';
import { createServer } from '../server/create-server.ts';
import type { ListenAddress } from '../server/create-server.ts';
import type { TelemetryDeps } from '../telemetry/telemetry-deps.ts';
import { loadMockProtos } from './load-protos.ts';
import { createMockServices } from './mock-services.ts';
import { MOCK_LIMIT_DEFAULTS } from './mock-runtime.ts';
import type { MockLimits, MockRuntime } from './mock-runtime.ts';
import { createTemplateHelpers } from './template/index.ts';
import { createTransportFaults } from './transport-faults.ts';

/** What to mock and how; every field but protos and scriptsDir has a default. */
export interface MockServerOptions {
  /** .proto files to serve. */
  protos: readonly string[];
  /** Directories searched for imports. Default none. */
  includeDirs?: readonly string[];
  /** Where the scripts are: `DIR/<package.Service>/<Method>.jsonl`. */
  scriptsDir: string;
  /** Seed of the random helpers and the latency draw; default: not reproducible. */
  seed?: number;
  /** Limits and latency; see {@link MockLimits} for the defaults. */
  limits?: Partial<MockLimits>;
  /** Server keepalive PING interval and timeout, ms. Defaults 30,000 and 10,000 (src/server/create-server.ts). */
  keepaliveTimeMs?: number;
  keepaliveTimeoutMs?: number;
}

/**
 * Builds the mock (does not listen).
 * @throws Error naming the proto that does not load; ScriptError at `file:line:column` for a bad script
 */
export function createMockServer(deps: TelemetryDeps, options: MockServerOptions) {
  const services = loadMockProtos(options.protos, options.includeDirs);
  const limits = { ...MOCK_LIMIT_DEFAULTS, ...options.limits };
  const rng = xoroshiro128plus(options.seed ?? Math.floor(Math.random() * 2 ** 31));
  const faults = createTransportFaults();
  let streams = 0;
  const runtime: MockRuntime = {
    helpersForStream: () => createTemplateHelpers(options.seed !== undefined ? { seed: options.seed + streams++ } : {}),
    limits,
    faults,
    random: () => uniformFloat64(rng),
  };
  const mockServices = createMockServices(services, options.scriptsDir, runtime);
  const server = createServer(deps, {
    services: mockServices,
    ...(options.keepaliveTimeMs !== undefined ? { keepaliveTimeMs: options.keepaliveTimeMs } : {}),
    ...(options.keepaliveTimeoutMs !== undefined ? { keepaliveTimeoutMs: options.keepaliveTimeoutMs } : {}),
  });
  let proxy: ReturnType<typeof createFaultProxy> | undefined;
  return {
    /** `package.Service` of every mocked service. */
    services: services.map((service) => service.name),
    server,
    /**
     * Starts the server on loopback and the proxy on `address`.
     * @returns the public address (the real port when 0 was asked)
     * @throws Error from node:net when the port cannot be bound
     */
    async listen(address: ListenAddress): Promise<ListenAddress> {
      const internal = await server.listen({ host: '127.0.0.1', port: 0 });
      proxy = createFaultProxy({ listenHost: address.host, listenPort: address.port, upstreamHost: internal.host, upstreamPort: internal.port });
      faults.attach({ proxy, goaway: (peer) => server.goaway(peer) });
      return proxy.listen();
    },
    /** Drains the server (GOAWAY, grace), then closes the proxy. */
    async close(graceMs?: number): Promise<void> {
      await server.shutdown(graceMs);
      await proxy?.close();
    },
  };
}

/** The mock built by {@link createMockServer}. */
export type MockServer = ReturnType<typeof createMockServer>;
