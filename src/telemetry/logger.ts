/**
 * winston logger: JSON lines in containers, readable lines in a terminal (design §4).
 * Every record written inside a span carries `trace_id` and `span_id`, taken from the
 * active OTel context unless the caller passed them explicitly.
 */
import { trace, isSpanContextValid } from '@opentelemetry/api';
import winston from 'winston';

/** Log output format: `json` (one object a line) or `pretty` (coloured, for terminals). */
export type LogFormat = 'json' | 'pretty';

/** The levels streamlab uses, most severe first. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Default `info`. */
  level?: LogLevel;
  /** Default `json`. */
  format?: LogFormat;
  /** Where records go. Default: one Console transport writing to stderr. */
  transports?: winston.LoggerOptions['transports'];
  /** Default false: true drops every record (the benchmark's telemetry-off arm). */
  silent?: boolean;
}

/** A winston logger. */
export type Logger = winston.Logger;

/** Adds trace_id / span_id of the active span when the record has none. */
const traceContext = winston.format((info) => {
  if (info.trace_id === undefined) {
    const spanContext = trace.getActiveSpan()?.spanContext();
    if (spanContext && isSpanContextValid(spanContext)) {
      info.trace_id = spanContext.traceId;
      info.span_id = spanContext.spanId;
    }
  }
  return info;
});

const pretty = winston.format.printf((info) => {
  const { level, message, timestamp, ...fields } = info;
  const rest = Object.entries(fields)
    .filter(([key]) => typeof key === 'string')
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${String(timestamp)} ${level} ${String(message)}${rest ? ` ${rest}` : ''}`;
});

/** Creates a logger; see {@link LoggerOptions} for defaults. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const format = options.format ?? 'json';
  return winston.createLogger({
    level: options.level ?? 'info',
    silent: options.silent ?? false,
    format: winston.format.combine(
      traceContext(),
      winston.format.timestamp(),
      format === 'json' ? winston.format.json() : winston.format.combine(winston.format.colorize(), pretty),
    ),
    transports: options.transports ?? [new winston.transports.Console({ stderrLevels: [...LOG_LEVELS] })],
  });
}
