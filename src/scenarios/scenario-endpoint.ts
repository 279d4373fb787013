/**
 * Where a scenario's client dials, per the scenario's server plan (scenario.ts):
 * - embedded: a fresh fault path (proxy) in front of the runner's server;
 * - process: a fresh `streamlab serve` child, dialed directly so the client meets the
 *   kernel's handling of the process itself;
 * - absent: a port on which nothing listens.
 */
import type { Scenario } from './scenario.ts';
import type { RunPace } from './scenario-plans.ts';
import type { FaultBackend, FaultPath } from './fault-backend.ts';
import { startServerProcess } from '../server-process/server-process.ts';
import type { ServerProcess, ServerProcessDeps } from '../server-process/server-process.ts';
import { unusedPort } from '../core/unused-port.ts';
import type { KeepaliveTimes } from './scenario.ts';

/** What the endpoint needs. */
export interface EndpointDeps {
  faults: FaultBackend;
  /** The embedded (or remote) server the fault path leads to. */
  upstream: { host: string; port: number };
  /** Where a child server's telemetry goes. */
  process: ServerProcessDeps;
}

/** The client's way to the scenario's server. */
export interface ScenarioEndpoint {
  /** `host:port` to dial. */
  readonly target: string;
  /** The fault path, for scenarios on the embedded server. */
  readonly path?: FaultPath;
  /** The child server, for process scenarios. */
  readonly process?: ServerProcess;
  /** Tears the path down and stops the child (which flushes its spans). Never rejects. */
  close(): Promise<void>;
}

/** The drain grace a process scenario's child gets, ms. */
function graceOf(scenario: Scenario, pace: RunPace): number {
  const fault = scenario.server?.kind === 'process' ? scenario.server.fault : undefined;
  if (fault?.kind !== 'terminate') return 0;
  return typeof fault.graceMs === 'number' ? fault.graceMs : fault.graceMs(pace);
}

/**
 * Opens the endpoint of one run.
 * @throws Error when the fault path or the child server cannot be set up (the child's
 *   error names its command and stderr)
 */
export async function openScenarioEndpoint(deps: EndpointDeps, scenario: Scenario, pace: RunPace, keepalive: KeepaliveTimes): Promise<ScenarioEndpoint> {
  const plan = scenario.server ?? { kind: 'embedded' };
  if (plan.kind === 'absent') {
    const port = await unusedPort();
    return { target: `127.0.0.1:${port}`, close: async () => {} };
  }
  if (plan.kind === 'process') {
    const child = await startServerProcess(deps.process, {
      keepaliveTimeMs: keepalive.timeMs, keepaliveTimeoutMs: keepalive.timeoutMs, shutdownGraceMs: graceOf(scenario, pace),
    });
    return {
      target: `${child.address.host}:${child.address.port}`,
      process: child,
      close: async () => void (await child.stop()),
    };
  }
  const path = await deps.faults.open(deps.upstream);
  return { target: path.target, path, close: () => path.close() };
}
