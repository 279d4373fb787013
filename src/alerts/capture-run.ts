/**
 * Runs one scenario for real and takes what it added to every series streamlab exports.
 * The only file of src/alerts that touches the scenario runner, the server and the
 * telemetry deps (so a change there is a change here only).
 *
 * Each run gets its own prom-client registry (fresh telemetry deps), its own embedded
 * server on 127.0.0.1 port 0 and its own runner, exactly as `streamlab run` builds them; a
 * process scenario's child server sends its whole registry when it shuts down, and that is
 * added (a killed child sends nothing: it records nothing, as in production).
 */
import type { Scenario } from '../scenarios/scenario.ts';
import { createEmbeddedFaultBackend } from '../scenarios/fault-backend.ts';
import { createRunDirectory } from '../scenarios/run-directory.ts';
import { createScenarioRunner, RUN_DEFAULTS } from '../scenarios/runner.ts';
import type { RunOptions } from '../scenarios/runner.ts';
import { createServer } from '../server/create-server.ts';
import { createStreamlabServices } from '../services/streamlab-services.ts';
import { createTelemetryDeps } from '../telemetry/create-telemetry-deps.ts';
import type { LoggerOptions } from '../telemetry/logger.ts';
import type { SpanRecord } from '../telemetry/span-record.ts';
import { deltaOf, mergeSamples, samplesOf } from './series-snapshot.ts';
import type { MetricsSnapshot, Sample } from './series-snapshot.ts';

/** One side's stream in a captured run. */
export interface CapturedSide {
  /** Seconds from the cause of the end (cancel, fault, signal) to this side noticing it; 0 without a cause. */
  detectionS: number;
  /** Seconds the stream was open on this side (open → end). */
  openS: number;
  /** Seconds from this side's open to the cause; the whole life without a cause. */
  beforeCauseS: number;
}

/** What one real run of a scenario showed, as the alert profiles need it. */
export interface CapturedRun {
  scenario: string;
  /** The runner's verdict, and why not ok. */
  ok: boolean;
  mismatches: string[];
  /** What the run added to each exported series (counters, histogram samples: the increase; gauges: the value at the end), by series key. */
  samples: Map<string, Sample>;
  /** Series that existed before the stream (prom-client exports unlabelled metrics from the start). */
  presentBefore: Set<string>;
  /** Each side's stream, when that side recorded one. */
  client?: CapturedSide;
  server?: CapturedSide;
  /** True when the client noticed nothing and the runner ended the lesson itself (its cancel is not the stream's doing). */
  clientNoticedNothing: boolean;
  /** Wall time of the run, ms. */
  wallMs: number;
}

/** Options of {@link captureRun}. */
export interface CaptureOptions {
  /** The runner's options (pace, keepalive, bounds), as `streamlab run` takes them. */
  run: RunOptions;
  /** The logger of the run's server and clients. Default: errors only, JSON. */
  logger?: LoggerOptions;
  /** Where the spans of child server processes go. Default: dropped. */
  importSpans?(spans: readonly SpanRecord[]): void;
}

/** A side's timing from its recorded end and the cause time. */
function sideOf(end: { openedAtMs: number; endedAtMs: number; detectionMs?: number } | undefined, causeAtMs: number | undefined): CapturedSide | undefined {
  if (!end) return undefined;
  const openS = Math.max(0, (end.endedAtMs - end.openedAtMs) / 1000);
  const beforeCauseS = causeAtMs === undefined ? openS : Math.min(openS, Math.max(0, (causeAtMs - end.openedAtMs) / 1000));
  return { detectionS: Math.max(0, (end.detectionMs ?? 0) / 1000), openS, beforeCauseS };
}

/**
 * Runs `scenario` once, against a server of its own, and returns what it added to every series.
 * @throws Error when the run cannot be set up (a child server that does not start names its command and stderr)
 */
export async function captureRun(scenario: Scenario, options: CaptureOptions): Promise<CapturedRun> {
  const runs = createRunDirectory();
  const telemetry = createTelemetryDeps({ runs, logger: options.logger ?? { format: 'json', level: 'error' } });
  const keepaliveTimeMs = options.run.keepaliveTimeMs ?? RUN_DEFAULTS.keepaliveTimeMs;
  const keepaliveTimeoutMs = options.run.keepaliveTimeoutMs ?? RUN_DEFAULTS.keepaliveTimeoutMs;
  const server = createServer(telemetry, { services: createStreamlabServices(telemetry), keepaliveTimeMs, keepaliveTimeoutMs, shutdownGraceMs: 0 });
  const upstream = await server.listen({ host: '127.0.0.1', port: 0 });
  const childMetrics: MetricsSnapshot[] = [];
  const started = performance.now();
  try {
    const runner = createScenarioRunner({
      telemetry, runs, faults: createEmbeddedFaultBackend(), upstream,
      importSpans: options.importSpans ?? (() => {}),
      onServerMetrics: (metrics) => void childMetrics.push(metrics),
    }, options.run);
    const before = samplesOf(await telemetry.metrics.registry.getMetricsAsJSON());
    const result = await runner.run(scenario);
    let samples = deltaOf(before, samplesOf(await telemetry.metrics.registry.getMetricsAsJSON()));
    // A fresh child per run: its registry holds exactly what the run added.
    for (const metrics of childMetrics) samples = mergeSamples(samples, samplesOf(metrics));
    const client = sideOf(result.client, result.causeAtMs);
    const server = sideOf(result.server, result.causeAtMs);
    return {
      scenario: scenario.name, ok: result.ok, mismatches: result.mismatches, samples, presentBefore: new Set(before.keys()),
      ...(client ? { client } : {}), ...(server ? { server } : {}),
      clientNoticedNothing: result.silentForMs !== undefined,
      wallMs: performance.now() - started,
    };
  } finally {
    await server.shutdown(0);
  }
}
