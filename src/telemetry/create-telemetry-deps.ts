/**
 * Builds the telemetry dependencies every server, client and runner takes, from a few
 * choices, so callers do not assemble registries, loggers and tracers by hand.
 */
import { trace } from '@opentelemetry/api';
import { createCauseClock } from './cause-clock.ts';
import type { CauseClock } from './cause-clock.ts';
import { createLogger } from './logger.ts';
import type { Logger, LoggerOptions } from './logger.ts';
import { createMetrics, createRegistry } from './metrics.ts';
import type { LifecycleObserver } from './lifecycle-event.ts';
import type { RecorderDeps } from './stream-recorder.ts';

/** Options of {@link createTelemetryDeps}; every field has a default. */
export interface TelemetryDepsOptions {
  /** Logger options, or a ready logger. Default: JSON to stderr at info. */
  logger?: LoggerOptions | Logger;
  observer?: LifecycleObserver;
  causeClock?: CauseClock;
  /** Message events per span, default 100. */
  messageEventCap?: number;
  /** stream.segment interval in ms, default 30,000. */
  segmentIntervalMs?: number;
  /** stream.segment message count, default 1,000. */
  segmentMessages?: number;
}

/** Fresh registry, metrics, logger, tracer and cause clock. */
export function createTelemetryDeps(options: TelemetryDepsOptions = {}): RecorderDeps & { causeClock: CauseClock } {
  const logger = options.logger && 'info' in options.logger && typeof options.logger.info === 'function'
    ? (options.logger as Logger)
    : createLogger(options.logger as LoggerOptions | undefined);
  return {
    metrics: createMetrics(createRegistry()),
    logger,
    tracer: trace.getTracer('streamlab'),
    causeClock: options.causeClock ?? createCauseClock(),
    ...(options.observer ? { observer: options.observer } : {}),
    ...(options.messageEventCap !== undefined ? { messageEventCap: options.messageEventCap } : {}),
    ...(options.segmentIntervalMs !== undefined ? { segmentIntervalMs: options.segmentIntervalMs } : {}),
    ...(options.segmentMessages !== undefined ? { segmentMessages: options.segmentMessages } : {}),
  };
}
