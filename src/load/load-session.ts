/**
 * One load run from start to report: the server's /metrics scraped before (when asked),
 * the run, the scrape after, and the summary. What `streamlab load` does once its flags are
 * parsed and the method is found.
 */
import type { DynamicClient } from '../client/dynamic-client.ts';
import { SCENARIO_NONE } from '../telemetry/semconv.ts';
import { buildLoadReport } from './load-report.ts';
import type { LoadReport } from './load-report.ts';
import { runLoad } from './run-load.ts';
import type { LoadRunOptions } from './run-load.ts';
import { scrapeStreamEnds, settledServerEnds } from './server-metrics.ts';

/** A run's options, plus what the report names. */
export interface LoadSessionOptions extends LoadRunOptions {
  /** `host:port` the client dials (reported). */
  target: string;
  /** A streamlab server's /metrics URL: its side's end causes are reported. */
  serverMetricsUrl?: string;
}

/**
 * Runs the load with `client` and returns the report. The client stays open (the caller closes it).
 * @throws Error naming --server-metrics when the first scrape fails (before anything was sent)
 */
export async function runLoadSession(client: DynamicClient, options: LoadSessionOptions): Promise<LoadReport> {
  const filter = { service: client.method.service, scenario: options.scenario ?? SCENARIO_NONE };
  const url = options.serverMetricsUrl;
  const before = url ? await scrapeStreamEnds(url, filter) : undefined;
  const run = await runLoad(client, options);
  try {
    const counts = run.stats.counts();
    const failedToConnect = run.stats.ends().filter((row) => row.end_cause === 'connect_failed').reduce((sum, row) => sum + row.count, 0);
    const serverEnds = url && before ? await settledServerEnds(url, filter, before, counts.opened - failedToConnect) : undefined;
    return buildLoadReport({
      target: options.target, method: `${client.method.service}/${client.method.method}`, rpc: client.method.kind, schema: client.source,
      streams: options.streams, durationMs: options.durationMs, rate: options.rate,
      ...(options.scenario ? { scenario: options.scenario } : {}), ...(serverEnds ? { serverEnds } : {}),
    }, run);
  } finally {
    run.stats.destroy();
  }
}
