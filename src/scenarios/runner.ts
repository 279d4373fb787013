/**
 * Runs scenarios: one trace per run (root span `scenario <name>`), a fresh endpoint (fault
 * path, child server process or nothing) and client per run; the runner acts on cue
 * (cancel, network fault, signal to the server process), waits for each side's end, and
 * compares what each side observed with the expectation (verdict.ts).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { context, trace, ROOT_CONTEXT, SpanStatusCode } from '@opentelemetry/api';
import { createStreamlabClient } from '../client/streamlab-client.ts';
import { withTimeout } from '../core/deferred.ts';
import type { TelemetryDeps } from '../telemetry/telemetry-deps.ts';
import { nowMs } from '../core/clock.ts';
import type { SpanRecord } from '../telemetry/span-record.ts';
import * as sc from '../telemetry/semconv.ts';
import { describeExpected, expectationFor } from './scenario.ts';
import type { Scenario, ScenarioResult } from './scenario.ts';
import { startScenarioCall } from './scenario-call.ts';
import { openScenarioEndpoint } from './scenario-endpoint.ts';
import { judge } from './verdict.ts';
import { measureTimerLateness } from '../core/timer-lateness.ts';
import type { Observed } from './verdict.ts';
import { createActionLog } from './run-action.ts';
import { signalProcessFault } from './process-fault.ts';
import { awaitClientEnd } from './await-client-end.ts';
import { runPeerAttack } from './peer-attack.ts';
import type { FaultBackend } from './fault-backend.ts';
import type { ScenarioRuns } from './run-directory.ts';
import type { ServerProcessDeps } from '../server-process/server-process.ts';
import { runBusScenario } from './bus-run.ts';

/** Run options; every field has a default. */
export interface RunOptions {
  /** Pause between two events, ms. Default 100 (1000 gives the classic one a second). */
  intervalMs?: number;
  /** Event payload size, bytes. Default 64. */
  payloadBytes?: number;
  /** Keepalive PING interval of the scenario clients and servers, ms. Default 1,000. */
  keepaliveTimeMs?: number;
  /** Keepalive PING timeout, ms. Default 1,000. */
  keepaliveTimeoutMs?: number;
  /** Give up waiting for a side's end after this many ms. Default 20,000. */
  endTimeoutMs?: number;
  /** False when the embedded-plan server runs in another process: its end is not observed here. Default true. */
  observeServer?: boolean;
  /**
   * How long a lesson whose client cannot notice anything (a frozen server, no keepalive)
   * waits before the runner ends it by cancelling the call, ms. Default 3,000.
   */
  frozenWaitMs?: number;
}

/** Defaults of {@link RunOptions}. */
export const RUN_DEFAULTS = {
  intervalMs: 100, payloadBytes: 64, keepaliveTimeMs: 1_000, keepaliveTimeoutMs: 1_000, endTimeoutMs: 20_000, observeServer: true, frozenWaitMs: 3_000,
} as const;

/** With a remote server: wait this long after the client's end before tearing down, ms. */
const REMOTE_TEARDOWN_GRACE_MS = 250;

/** Dependencies of the runner. */
export interface RunnerDeps {
  /** The telemetry of the scenario clients (and of the embedded server, which must share `runs`). */
  telemetry: TelemetryDeps;
  /** Where each run is opened; the embedded server finds a call's run here through its baggage. */
  runs: ScenarioRuns;
  faults: FaultBackend;
  /** The server the fault path leads to (scenarios on the embedded plan). */
  upstream: { host: string; port: number };
  /** Receives the spans of child server processes (the process's span pipeline). Default: dropped. */
  importSpans?(spans: readonly SpanRecord[]): void;
  /** Receives the final metrics of each child server process as it shuts down (process scenarios). Default: dropped. */
  onServerMetrics?: ServerProcessDeps['onMetrics'];
}

/** Creates a runner; `run` runs one scenario at a time. */
export function createScenarioRunner(deps: RunnerDeps, runOptions: RunOptions = {}) {
  const options: Required<RunOptions> = { ...RUN_DEFAULTS, ...runOptions };
  // The scenario clients find their run through baggage in the runner's directory.
  const telemetry: TelemetryDeps = { ...deps.telemetry, runs: deps.runs };
  const keepalive = { timeMs: options.keepaliveTimeMs, timeoutMs: options.keepaliveTimeoutMs };

  return {
    /**
     * Runs one scenario and returns what both sides observed. Never rejects for a scenario mismatch.
     * @throws Error when its endpoint cannot be set up (a child server that fails to start names its command and stderr)
     */
    async run(scenario: Scenario): Promise<ScenarioResult> {
      if (scenario.server?.kind === 'lab') {
        const labRun = deps.runs.open(scenario.name);
        try {
          return await scenario.server.lab.run({ telemetry, run: labRun, importSpans: deps.importSpans ?? (() => {}) }, scenario);
        } finally {
          labRun.close();
        }
      }
      if (scenario.server?.kind === 'bus') {
        const busRun = deps.runs.open(scenario.name);
        try {
          return await runBusScenario({ telemetry, run: busRun, ...(deps.importSpans ? { importSpans: deps.importSpans } : {}) }, scenario, options);
        } finally {
          busRun.close();
        }
      }
      const expect = expectationFor(scenario, deps.faults.name);
      const plan = scenario.server ?? { kind: 'embedded' };
      const pace = { intervalMs: paceOf(scenario, options.intervalMs), count: scenario.count };
      const run = deps.runs.open(scenario.name);
      const endpointDeps = {
        faults: deps.faults, upstream: deps.upstream,
        process: { observer: run.observer, importSpans: deps.importSpans ?? (() => {}), ...(deps.onServerMetrics ? { onMetrics: deps.onServerMetrics } : {}) },
      };
      let endpoint;
      try {
        endpoint = await openScenarioEndpoint(endpointDeps, scenario, pace, keepalive);
        if (endpoint.process) await endpoint.process.openRun(run.id, scenario.name);
      } catch (error) {
        await endpoint?.close();
        run.close();
        throw error;
      }
      const client = createStreamlabClient(telemetry, {
        target: endpoint.target, keepaliveTimeMs: scenario.call?.keepalive === false ? 0 : options.keepaliveTimeMs, keepaliveTimeoutMs: options.keepaliveTimeoutMs,
      });
      const startedAtMs = nowMs();
      const root = telemetry.tracer.startSpan(sc.scenarioSpanName(scenario.name), {
        root: true,
        attributes: {
          [sc.ATTR_SCENARIO]: scenario.name,
          [sc.ATTR_EXPECTED_CLIENT_END_CAUSE]: describeExpected(expect.client),
          [sc.ATTR_EXPECTED_SERVER_END_CAUSE]: describeExpected(expect.server),
          [sc.ATTR_FAULT_BACKEND]: deps.faults.name,
          [sc.ATTR_RPC_KIND]: scenario.rpc,
        },
      }, ROOT_CONTEXT);
      const runContext = trace.setSpan(run.context(), root);
      const log = createActionLog(run);
      const processFault = plan.kind === 'process' ? plan.fault : undefined;
      const lateness = measureTimerLateness();
      let signalled: Promise<void> | undefined;
      let attacked: Promise<string[]> | undefined;
      try {
        const deadlineMs = scenario.call?.deadlineMs;
        const call = context.with(runContext, () => startScenarioCall(client, scenario, {
          intervalMs: pace.intervalMs,
          payloadBytes: scenario.call?.payloadBytes ?? options.payloadBytes,
          callOptions: {
            ...(deadlineMs !== undefined ? { deadline: new Date(Date.now() + deadlineMs) } : {}),
            ...(scenario.call?.waitForReady ? { waitForReady: true } : {}),
          },
        }));
        if (deadlineMs !== undefined) log.act('deadline', startedAtMs + deadlineMs, `deadline ${deadlineMs} ms`);
        else if (plan.kind === 'absent') log.act('no-server', startedAtMs, `nothing listens on ${endpoint.target}`);
        call.onProgress((messages) => {
          if (scenario.client.kind === 'cancel' && messages === scenario.client.afterMessages) {
            log.act('cancel', nowMs(), 'cancel()');
            call.cancel();
          }
          if (scenario.network.kind === 'fault' && messages === scenario.network.afterMessages && endpoint.path) {
            const { fault } = scenario.network;
            const path = endpoint.path;
            // After this turn of the event loop, so what the client does on this message (a
            // bidi client ACKs it) has gone out first and does not race the fault.
            setImmediate(() => void path.inject(fault).then((atMs) => log.act('fault', atMs, fault), (error: unknown) => {
              telemetry.logger.error('fault injection failed', { scenario: scenario.name, error: String(error) });
            }));
          }
          if (processFault && messages === processFault.afterMessages) signalled = signalProcessFault(scenario, endpoint, log, run.id);
          if (scenario.attack && messages === scenario.attack.afterMessages) attacked = runPeerAttack(scenario.attack, endpoint.target, scenario.name, log);
        });
        const { end: clientSide, silence } = await awaitClientEnd(scenario, call, log, options);
        if (processFault?.kind === 'freeze' && endpoint.process) {
          await withTimeout(signalled ?? Promise.resolve(), options.endTimeoutMs);
          log.act('resume', endpoint.process.signal('SIGCONT'), `SIGCONT pid ${endpoint.process.pid}`);
        }
        const serverAlive = plan.kind === 'embedded' ? options.observeServer : plan.kind === 'process' && processFault?.kind !== 'kill';
        const serverSide = await run.nextEnd('server', serverAlive ? options.endTimeoutMs : 0);
        if (serverAlive && endpoint.process) await endpoint.process.flush();
        const events = run.events();
        const observed: Observed = {
          ...(clientSide ? { client: clientSide } : {}),
          ...(serverSide ? { server: serverSide } : {}),
          serverObserved: plan.kind !== 'embedded' || options.observeServer,
          ...(silence ? { silence } : {}),
          backpressureWaits: events.filter((event) => event.side === 'server' && event.phase === 'backpressure.wait').length,
        };
        const mismatches = [...judge(scenario, expect, observed, { keepalive, endTimeoutMs: options.endTimeoutMs, timerLatenessMs: lateness.stop() }), ...(attacked ? await attacked : [])];
        const ok = mismatches.length === 0;
        root.setAttribute(sc.ATTR_VERDICT, ok ? 'ok' : 'mismatch');
        if (!ok) root.setStatus({ code: SpanStatusCode.ERROR, message: mismatches.join('; ') });
        telemetry.metrics.scenarioRuns.inc({ scenario: scenario.name, verdict: ok ? 'ok' : 'mismatch' });
        telemetry.metrics.scenarioLastRun.set({ scenario: scenario.name }, Date.now() / 1000);
        const serverNote = plan.kind === 'absent'
          ? `no server: nothing listened on ${endpoint.target}`
          : processFault?.kind === 'kill' ? `gone: SIGKILL after ${processFault.afterMessages} message(s) — a killed process records nothing` : undefined;
        return {
          scenario, traceId: root.isRecording() ? root.spanContext().traceId : '', ok, mismatches,
          ...(clientSide ? { client: clientSide } : {}),
          ...(serverSide ? { server: serverSide } : {}),
          ...(serverNote ? { serverNote } : {}),
          ...(endpoint.process ? { serverPid: endpoint.process.pid } : {}),
          ...(silence && !silence.noticed ? { silentForMs: silence.boundMs } : {}),
          ...(log.cause.settled ? { causeAtMs: await log.cause.promise } : {}),
          actions: [...log.actions].sort((a, b) => a.atMs - b.atMs),
          startedAtMs,
          events,
        };
      } finally {
        lateness.stop();
        root.end();
        // A server in another process is not awaited: give it time to see the stream end
        // before the channel and the fault path go away, or it would see them go first.
        if (plan.kind === 'embedded' && !options.observeServer) await delay(remoteTeardownGraceMs(scenario, options));
        client.close();
        await endpoint.close();
        run.close();
      }
    },
  };
}

/**
 * A SIGSTOP, or a SIGTERM with no grace, waits for an IPC round trip to the child (it learns
 * the cause time first): the pace leaves at least this long between two messages, so no
 * further message (or the end of the stream) goes out before the signal, even on a loaded
 * machine, ms. A SIGTERM with grace is left at the run's pace: its stream finishes within the
 * grace either way, and a drain longer than the client's keepalive interval would be cut by
 * grpc-js's own keepalive after the GOAWAY (grpc/grpc-node#3068; the shutdown lesson).
 */
const SIGNALLED_PROCESS_MIN_INTERVAL_MS = 500;

/** The pause between two data messages of `scenario`'s run, ms. */
function paceOf(scenario: Scenario, intervalMs: number): number {
  const own = scenario.call?.intervalMs ?? intervalMs;
  const fault = scenario.server?.kind === 'process' ? scenario.server.fault : undefined;
  const signalled = fault?.kind === 'freeze' || (fault?.kind === 'terminate' && fault.graceMs === 0);
  return signalled ? Math.max(own, SIGNALLED_PROCESS_MIN_INTERVAL_MS) : own;
}

/**
 * How long to keep the fault path and channel after the client's end when the server is
 * remote, ms. After a blackhole the server can only notice through its own keepalive,
 * which may fire up to one keepalive period after the client's (assuming it uses the run's
 * keepalive settings); tearing down earlier would hand it a FIN or RST instead.
 */
function remoteTeardownGraceMs(scenario: Scenario, options: Required<RunOptions>): number {
  const silent = scenario.network.kind === 'fault' && scenario.network.fault === 'blackhole';
  return silent ? options.keepaliveTimeMs + options.keepaliveTimeoutMs : REMOTE_TEARDOWN_GRACE_MS;
}

/** The runner built by {@link createScenarioRunner}. */
export type ScenarioRunner = ReturnType<typeof createScenarioRunner>;
