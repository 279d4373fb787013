/**
 * Runs a bus scenario (issue 18; scenario.ts `ServerPlan` kind `bus`): a fresh NATS bus (one
 * server, or a 3-node JetStream cluster), a `serve --bus` child on it, and a client that
 * follows the scenario's topic for `count` events while the runner breaks the bus. One trace
 * (root span `scenario <name>`) as every run; the verdict is both sides' ends (verdict.ts)
 * plus the follower's ids and how long its events paused (bus-verdict.ts). The scenario
 * runner hands bus scenarios here (runner.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace, ROOT_CONTEXT, SpanStatusCode } from '@opentelemetry/api';
import { createStreamlabClient } from '../client/streamlab-client.ts';
import { createDeferred, withTimeout } from '../core/deferred.ts';
import { startNatsBus } from '../bus/nats-bus.ts';
import type { NatsBus } from '../bus/nats-bus.ts';
import { busArgs } from '../bus/bus-serve-args.ts';
import { startServerProcess } from '../server-process/server-process.ts';
import type { ServerProcess } from '../server-process/server-process.ts';
import type { Event__Output } from '../generated/streamlab/v1/Event.ts';
import { nowMs } from '../core/clock.ts';
import type { LifecycleEvent, LifecycleObserver, StreamEnd } from '../telemetry/lifecycle-event.ts';
import type { SpanRecord } from '../telemetry/span-record.ts';
import type { TelemetryDeps } from '../telemetry/telemetry-deps.ts';
import type { ScenarioRun } from './run-directory.ts';
import * as sc from '../telemetry/semconv.ts';
import { doBusFault } from './bus-fault.ts';
import type { BusFaultTimes } from './bus-fault.ts';
import { judgeBus } from './bus-verdict.ts';
import type { BusRunSettings } from './bus-verdict.ts';
import { createActionLog } from './run-action.ts';
import type { ScenarioResult } from './scenario.ts';
import type { Scenario } from './scenario.ts';
import type { BusFault } from './scenario-plans.ts';
import { describeExpected } from './scenario.ts';
import { judge } from './verdict.ts';

/** What a bus run needs from the runner. */
export interface BusRunDeps {
  /** The client's telemetry (its `runs` holds `run`). */
  telemetry: TelemetryDeps;
  /** The run: its baggage names it, its cause time is marked on it, the client side's records land in it. */
  run: ScenarioRun;
  importSpans?(spans: readonly SpanRecord[]): void;
}

/** The run's settings (the runner's options), ms. */
export interface BusRunOptions {
  intervalMs: number;
  keepaliveTimeMs: number;
  keepaliveTimeoutMs: number;
  endTimeoutMs: number;
}

/** Consumers' pull expiry and reconnect wait of the scenario's server, ms: as short as nats.js allows (expires ≥ 1 s). */
const BUS_EXPIRES_MS = 1_000;
const BUS_RECONNECT_WAIT_MS = 100;

/** Starts the bus and the `serve --bus` child; `server` receives the child's lifecycle records. */
async function openBus(fault: BusFault, settings: BusRunSettings, options: BusRunOptions, deps: BusRunDeps, server: Required<Pick<LifecycleObserver, 'onEvent' | 'onEnd'>>) {
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-bus-scenario-'));
  let bus: NatsBus | undefined;
  try {
    bus = await startNatsBus({ nodes: fault.kind === 'leader-loss' ? 3 : 1, dir });
    const child = await startServerProcess({ observer: server, importSpans: deps.importSpans ?? (() => {}) }, {
      keepaliveTimeMs: options.keepaliveTimeMs, keepaliveTimeoutMs: options.keepaliveTimeoutMs,
      extraArgs: busArgs({ bus: bus.urls, tickMs: settings.tickMs, history: 1_000, replicas: fault.kind === 'leader-loss' ? 3 : 1, expiresMs: settings.expiresMs, reconnectWaitMs: settings.reconnectWaitMs }),
    });
    return { bus, child, dir };
  } catch (error) {
    await bus?.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Runs `scenario` (its server plan must be `bus`). Never rejects for a mismatch.
 * @throws Error when the bus or the child server cannot be started (nats-server missing: how to install it)
 */
export async function runBusScenario(deps: BusRunDeps, scenario: Scenario, options: BusRunOptions): Promise<ScenarioResult> {
  if (scenario.server?.kind !== 'bus') throw new Error(`scenario ${scenario.name} has no bus plan`);
  const { fault } = scenario.server;
  const { telemetry } = deps;
  const settings: BusRunSettings = { tickMs: scenario.call?.intervalMs ?? options.intervalMs, expiresMs: BUS_EXPIRES_MS, reconnectWaitMs: BUS_RECONNECT_WAIT_MS };
  const { run } = deps;
  const serverEnd = createDeferred<StreamEnd>();
  const serverEvents: LifecycleEvent[] = [];
  const { bus, child, dir } = await openBus(fault, settings, options, deps, {
    onEvent: (event) => void (event.runId === run.id && serverEvents.push(event)),
    onEnd: (end) => void (end.runId === run.id && serverEnd.resolve(end)),
  });
  await child.openRun(run.id, scenario.name);
  const client = createStreamlabClient(telemetry, { target: `${child.address.host}:${child.address.port}`, keepaliveTimeMs: options.keepaliveTimeMs, keepaliveTimeoutMs: options.keepaliveTimeoutMs });
  const startedAtMs = nowMs();
  const root = telemetry.tracer.startSpan(sc.scenarioSpanName(scenario.name), {
    root: true,
    attributes: {
      [sc.ATTR_SCENARIO]: scenario.name, [sc.ATTR_RPC_KIND]: scenario.rpc, [sc.ATTR_FAULT_BACKEND]: 'nats-server',
      [sc.ATTR_EXPECTED_CLIENT_END_CAUSE]: describeExpected(scenario.expect.client), [sc.ATTR_EXPECTED_SERVER_END_CAUSE]: describeExpected(scenario.expect.server),
    },
  }, ROOT_CONTEXT);
  const runContext = trace.setSpan(run.context(), root);
  const log = createActionLog(run);
  const ids: number[] = [];
  const arrivals: number[] = [];
  let faultTimes: Promise<BusFaultTimes | undefined> = Promise.resolve(undefined);
  try {
    const call = context.with(runContext, () => client.subscribe({ topic: scenario.name, count: scenario.count, follow: true }));
    call.call.on('data', (event: Event__Output) => {
      ids.push(event.id);
      arrivals.push(Date.now());
      if (ids.length !== fault.afterMessages) return;
      faultTimes = doBusFault(bus, fault, scenario.name, log).catch((error: unknown) => {
        telemetry.logger.error('bus fault failed', { scenario: scenario.name, error: String(error) });
        return undefined;
      });
    });
    const clientEnd = await withTimeout(call.ended, options.endTimeoutMs);
    const times = await faultTimes;
    const server = await withTimeout(serverEnd.promise, clientEnd ? options.endTimeoutMs : 0);
    await child.flush();
    const mismatches = judge(scenario, scenario.expect, {
      ...(clientEnd ? { client: clientEnd } : {}), ...(server ? { server } : {}), serverObserved: true, backpressureWaits: 0,
    }, { keepalive: { timeMs: options.keepaliveTimeMs, timeoutMs: options.keepaliveTimeoutMs }, endTimeoutMs: options.endTimeoutMs });
    const verdict = judgeBus(fault, settings, { ids, arrivals, ...(times ? { fault: times } : {}) });
    mismatches.push(...verdict.mismatches);
    const ok = mismatches.length === 0;
    root.setAttributes({ [sc.ATTR_VERDICT]: ok ? 'ok' : 'mismatch', ...(verdict.recoveryMs !== undefined ? { [sc.ATTR_BUS_RECOVERY_MS]: verdict.recoveryMs } : {}) });
    if (!ok) root.setStatus({ code: SpanStatusCode.ERROR, message: mismatches.join('; ') });
    telemetry.metrics.scenarioRuns.inc({ scenario: scenario.name, verdict: ok ? 'ok' : 'mismatch' });
    telemetry.metrics.scenarioLastRun.set({ scenario: scenario.name }, Date.now() / 1000);
    const recovered = verdict.recoveryMs === undefined ? 'no event after it'
      : `events resumed ${verdict.recoveryMs} ms after the bus ${fault.kind === 'restart' ? 'was back' : 'lost its leader'} (bound ${verdict.boundMs} ms)`;
    return {
      scenario, traceId: root.isRecording() ? root.spanContext().traceId : '', ok, mismatches,
      ...(clientEnd ? { client: clientEnd } : {}), ...(server ? { server } : {}),
      serverNote: `bus ${times ? `${fault.kind === 'restart' ? 'restarted' : `leader ${times.node} killed`}` : 'fault not done'}: ${recovered}; ids ${ids[0] ?? '-'}–${ids.at(-1) ?? '-'}, ${verdict.gaps} gaps, ${verdict.duplicates} duplicates`,
      serverPid: child.pid,
      ...(log.cause.settled ? { causeAtMs: await log.cause.promise } : {}),
      actions: [...log.actions].sort((a, b) => a.atMs - b.atMs),
      startedAtMs,
      events: [...run.events(), ...serverEvents].sort((a, b) => a.atMs - b.atMs),
    };
  } finally {
    root.end();
    client.close();
    await closeBus(child, bus, dir);
  }
}

/** Stops the child (it flushes its spans), then the bus, and removes its stores. Never rejects. */
async function closeBus(child: ServerProcess, bus: NatsBus, dir: string): Promise<void> {
  await child.stop().catch(() => undefined);
  await bus.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
