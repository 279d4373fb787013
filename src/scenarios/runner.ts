/**
 * Runs scenarios: one trace per run (root span `scenario <name>`), a fresh fault path and
 * client per run, then the observed end of each side compared with the expectation.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { context, propagation, trace, ROOT_CONTEXT, SpanStatusCode } from '@opentelemetry/api';
import type { EndCause } from '../core/end-cause.ts';
import { createStreamlabClient } from '../client/streamlab-client.ts';
import { withTimeout } from '../core/deferred.ts';
import type { RecorderDeps } from '../telemetry/stream-recorder.ts';
import type { CauseClock } from '../telemetry/cause-clock.ts';
import { nowMs } from '../telemetry/lifecycle-event.ts';
import type { LifecycleEvent, StreamEnd } from '../telemetry/lifecycle-event.ts';
import { grpcCodeName } from '../telemetry/grpc-status.ts';
import * as sc from '../telemetry/semconv.ts';
import { expectationFor } from './catalogue.ts';
import type { Scenario } from './catalogue.ts';
import { checkDelivery } from './delivery-verdict.ts';
import { startScenarioCall } from './scenario-call.ts';
import type { FaultBackend } from './fault-backend.ts';
import type { RunObserver } from './run-observer.ts';

/** Run options; every field has a default. */
export interface RunOptions {
  /** Pause between two events, ms. Default 100 (1000 gives the classic one a second). */
  intervalMs?: number;
  /** Event payload size, bytes. Default 64. */
  payloadBytes?: number;
  /** Keepalive PING interval of the scenario clients (and the embedded server), ms. Default 1,000. */
  keepaliveTimeMs?: number;
  /** Keepalive PING timeout, ms. Default 1,000. */
  keepaliveTimeoutMs?: number;
  /** Give up waiting for a side's end after this many ms. Default 20,000. */
  endTimeoutMs?: number;
  /** False when the server runs in another process: its end is not observed here. Default true. */
  observeServer?: boolean;
}

/** With a remote server: wait this long after the client's end before tearing down, ms. */
const REMOTE_TEARDOWN_GRACE_MS = 250;

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

/** Defaults of {@link RunOptions}. */
export const RUN_DEFAULTS = {
  intervalMs: 100, payloadBytes: 64, keepaliveTimeMs: 1_000, keepaliveTimeoutMs: 1_000, endTimeoutMs: 20_000, observeServer: true,
} as const;

/** What one scenario run showed. */
export interface ScenarioResult {
  scenario: Scenario;
  /** Hex trace id of the run's trace; '' when tracing is off. */
  traceId: string;
  ok: boolean;
  /** Why the verdict is not ok, one sentence each. */
  mismatches: string[];
  client?: StreamEnd;
  server?: StreamEnd;
  /** When the runner cancelled or cut the network, epoch ms. */
  causeAtMs?: number;
  startedAtMs: number;
  events: LifecycleEvent[];
}

/** Dependencies of the runner. */
export interface RunnerDeps {
  telemetry: RecorderDeps & { causeClock: CauseClock };
  observer: RunObserver;
  faults: FaultBackend;
  /** The server the fault path leads to. */
  upstream: { host: string; port: number };
}

function compare(scenario: Scenario, expect: Scenario['expect'], client: StreamEnd | undefined, server: StreamEnd | undefined, options: Required<RunOptions>): string[] {
  const mismatches: string[] = [];
  const expectCause = (side: string, end: StreamEnd | undefined, expected: EndCause) => {
    if (!end) mismatches.push(`${side} stream did not end within ${options.endTimeoutMs} ms (expected ${expected})`);
    else if (end.endCause !== expected) mismatches.push(`${side} ended ${end.endCause}, expected ${expected}`);
  };
  expectCause('client', client, expect.client);
  if (client && client.grpcCode !== expect.clientCode) {
    mismatches.push(`client got ${grpcCodeName(client.grpcCode)}, expected ${grpcCodeName(expect.clientCode)}`);
  }
  if (options.observeServer) {
    expectCause('server', server, expect.server);
    const bound = expect.serverDetectionWithinMs?.({ timeMs: options.keepaliveTimeMs, timeoutMs: options.keepaliveTimeoutMs });
    if (bound !== undefined && server?.detectionMs !== undefined && server.detectionMs > bound) {
      mismatches.push(`server noticed after ${server.detectionMs.toFixed(0)} ms, expected within ${bound} ms`);
    }
  }
  if (scenario.delivery) mismatches.push(...checkDelivery(scenario, client, options.observeServer ? server : undefined));
  return mismatches;
}

/** Creates a runner; `run` runs one scenario at a time. */
export function createScenarioRunner(deps: RunnerDeps, runOptions: RunOptions = {}) {
  const options: Required<RunOptions> = { ...RUN_DEFAULTS, ...runOptions };
  const { telemetry, observer } = deps;

  return {
    /** Runs one scenario and returns what both sides observed. Never rejects for a scenario mismatch. */
    async run(scenario: Scenario): Promise<ScenarioResult> {
      observer.forget(scenario.name);
      const expect = expectationFor(scenario, deps.faults.name);
      telemetry.causeClock.clear(scenario.name);
      const path = await deps.faults.open(deps.upstream);
      const client = createStreamlabClient(telemetry, {
        target: path.target, keepaliveTimeMs: options.keepaliveTimeMs, keepaliveTimeoutMs: options.keepaliveTimeoutMs,
      });
      const startedAtMs = nowMs();
      const root = telemetry.tracer.startSpan(sc.scenarioSpanName(scenario.name), {
        root: true,
        attributes: {
          [sc.ATTR_SCENARIO]: scenario.name,
          [sc.ATTR_EXPECTED_CLIENT_END_CAUSE]: expect.client,
          [sc.ATTR_EXPECTED_SERVER_END_CAUSE]: expect.server,
          [sc.ATTR_FAULT_BACKEND]: deps.faults.name,
          [sc.ATTR_RPC_KIND]: scenario.rpc,
        },
      }, ROOT_CONTEXT);
      const baggage = propagation.createBaggage({ [sc.BAGGAGE_SCENARIO]: { value: scenario.name } });
      const runContext = trace.setSpan(propagation.setBaggage(context.active(), baggage), root);
      let causeAtMs: number | undefined;
      const markCause = (atMs: number) => {
        causeAtMs = atMs;
        telemetry.causeClock.mark(scenario.name, atMs);
      };
      try {
        const call = context.with(runContext, () => startScenarioCall(client, scenario, options));
        call.onProgress((messages) => {
          if (scenario.client.kind === 'cancel' && messages === scenario.client.afterMessages) {
            markCause(nowMs());
            call.cancel();
          }
          if (scenario.network.kind === 'fault' && messages === scenario.network.afterMessages) {
            const fault = scenario.network.fault;
            // After this turn of the event loop, so what the client does on this message (a
            // bidi client ACKs it) has gone out first and does not race the fault.
            setImmediate(() => void path.inject(fault).then(markCause, (error: unknown) => {
              telemetry.logger.error('fault injection failed', { scenario: scenario.name, error: String(error) });
            }));
          }
        });
        const clientEnd = await withTimeout(call.ended, options.endTimeoutMs);
        const serverEnd = options.observeServer
          ? await observer.nextEnd('server', scenario.name, options.endTimeoutMs)
          : undefined;
        const mismatches = compare(scenario, expect, clientEnd, serverEnd, options);
        const ok = mismatches.length === 0;
        root.setAttribute(sc.ATTR_VERDICT, ok ? 'ok' : 'mismatch');
        if (!ok) root.setStatus({ code: SpanStatusCode.ERROR, message: mismatches.join('; ') });
        telemetry.metrics.scenarioRuns.inc({ scenario: scenario.name, verdict: ok ? 'ok' : 'mismatch' });
        telemetry.metrics.scenarioLastRun.set({ scenario: scenario.name }, Date.now() / 1000);
        return {
          scenario, traceId: root.isRecording() ? root.spanContext().traceId : '', ok, mismatches,
          ...(clientEnd ? { client: clientEnd } : {}),
          ...(serverEnd ? { server: serverEnd } : {}),
          ...(causeAtMs !== undefined ? { causeAtMs } : {}),
          startedAtMs,
          events: observer.eventsOf(scenario.name),
        };
      } finally {
        root.end();
        // A server in another process is not awaited: give it time to see the stream end
        // before the channel and the fault path go away, or it would see them go first.
        if (!options.observeServer) await delay(remoteTeardownGraceMs(scenario, options));
        client.close();
        await path.close();
      }
    },
  };
}

/** The runner built by {@link createScenarioRunner}. */
export type ScenarioRunner = ReturnType<typeof createScenarioRunner>;
