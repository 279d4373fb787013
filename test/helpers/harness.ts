/**
 * A real server on 127.0.0.1:0 with telemetry captured in memory: spans (through the
 * process's SDK, loaded with --import), a fresh prom-client registry and log records.
 */
import { Writable } from 'node:stream';
import winston from 'winston';
import { telemetry } from '../../src/instrumentation.ts';
import type { SpanCapture } from '../../src/instrumentation.ts';
import { createServer } from '../../src/server/create-server.ts';
import type { ServerOptions, StreamlabServer } from '../../src/server/create-server.ts';
import { createStreamlabServices } from '../../src/services/streamlab-services.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import type { TelemetryDepsOptions } from '../../src/telemetry/create-telemetry-deps.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { createRunObserver } from '../../src/scenarios/run-observer.ts';
import type { RunObserver } from '../../src/scenarios/run-observer.ts';
import { createRunDirectory } from '../../src/scenarios/run-directory.ts';
import { CATALOGUE } from '../../src/scenarios/catalogue.ts';
import type { ScenarioRuns } from '../../src/scenarios/run-directory.ts';

/** One captured log record, as the JSON line winston would have written. */
export type LogRecord = Record<string, unknown>;

/** Everything a test needs; `close()` in `t.after`. */
export interface Harness {
  deps: ReturnType<typeof createTelemetryDeps>;
  /** Every lifecycle record of the harness's calls, both sides. */
  observer: RunObserver;
  /** Scenario runs: a call whose baggage names one (run.context()) reports to it too. */
  runs: ScenarioRuns;
  server: StreamlabServer;
  address: { host: string; port: number };
  target: string;
  spans: SpanCapture;
  logs: LogRecord[];
  /**
   * Current value of one metric series (0 when absent). For histograms pass the series
   * name too, e.g. metric('x_seconds', labels, 'x_seconds_count').
   */
  metric(name: string, labels?: Record<string, string>, series?: string): Promise<number>;
  close(): Promise<void>;
}

/** Starts a harness; options go to the telemetry deps and the server (default services: streamlab's own). */
export async function startHarness(options: { deps?: TelemetryDepsOptions; server?: Partial<ServerOptions> } = {}): Promise<Harness> {
  const logs: LogRecord[] = [];
  const sink = new Writable({
    objectMode: true,
    write(info: Record<symbol, string>, _encoding, done) {
      logs.push(JSON.parse(info[Symbol.for('message')] ?? '{}') as LogRecord);
      done();
    },
  });
  const observer = createRunObserver();
  const runs = createRunDirectory();
  const deps = createTelemetryDeps({
    // Scenario names label series as a CLI server would label them (the catalogue's).
    observer, runs, pipeline: telemetry, scenarioLabels: CATALOGUE.map((scenario) => scenario.name),
    ...options.deps,
    logger: createLogger({ level: 'debug', format: 'json', transports: [new winston.transports.Stream({ stream: sink })] }),
  });
  const spans = telemetry.captureSpans();
  const server = createServer(deps, { keepaliveTimeMs: 1000, keepaliveTimeoutMs: 1000, ...options.server, services: options.server?.services ?? createStreamlabServices(deps) });
  const address = await server.listen({ host: '127.0.0.1', port: 0 });
  return {
    deps, observer, runs, server, address, target: `127.0.0.1:${address.port}`, spans, logs,
    async metric(name, labels = {}, series = name) {
      const metric = deps.metrics.registry.getSingleMetric(name);
      if (!metric) throw new Error(`no metric ${name}`);
      const { values } = await metric.get();
      const found = values.find((value) => ((value as { metricName?: string }).metricName ?? name) === series
        && Object.entries(labels).every(([key, wanted]) => String(value.labels[key]) === wanted));
      return found?.value ?? 0;
    },
    async close() {
      await server.shutdown(0);
      spans.stop();
    },
  };
}
