/**
 * Builds the telemetry dependencies every server, client and runner takes, from a few
 * choices, so callers do not assemble registries, loggers and tracers by hand.
 */
import { trace } from '@opentelemetry/api';
import { createLogger } from './logger.ts';
import type { Logger, LoggerOptions } from './logger.ts';
import { createMetrics, createRegistry } from './metrics.ts';
import type { LifecycleObserver } from './lifecycle-event.ts';
import type { RunDirectory } from './run-scope.ts';
import type { CallRecordingOptions, RpcSpanPipeline, TelemetryDeps } from './telemetry-deps.ts';

/** Options of {@link createTelemetryDeps}; every field has a default. */
export interface TelemetryDepsOptions extends CallRecordingOptions {
  /** Logger options, or a ready logger. Default: JSON to stderr at info. */
  logger?: LoggerOptions | Logger;
  /** Receives the lifecycle records of every call. Default: none. */
  observer?: LifecycleObserver;
  /** The scenario runs calls may belong to. Default: none. */
  runs?: RunDirectory;
  /**
   * The process's span pipeline (src/instrumentation.ts `telemetry`, or CliContext.spans):
   * its span mode and stock span hooks. Default: span mode `streamlab`.
   */
  pipeline?: RpcSpanPipeline;
}

/** Fresh registry, metrics, logger and tracer, and the recording options. */
export function createTelemetryDeps(options: TelemetryDepsOptions = {}): TelemetryDeps {
  const { logger: loggerOption, observer, runs, pipeline, ...recording } = options;
  const logger = loggerOption && 'info' in loggerOption && typeof loggerOption.info === 'function'
    ? (loggerOption as Logger)
    : createLogger(loggerOption as LoggerOptions | undefined);
  return {
    metrics: createMetrics(createRegistry()),
    logger,
    tracer: trace.getTracer('streamlab'),
    recording,
    ...(observer ? { observer } : {}),
    ...(runs ? { runs } : {}),
    ...(pipeline ? { pipeline } : {}),
  };
}
