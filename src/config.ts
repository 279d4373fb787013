/**
 * Process-wide configuration read from the environment, validated once by main.ts.
 * Command flags (see `streamlab <command> --help`) take precedence over these defaults.
 *
 * | variable              | values             | default                                  |
 * |-----------------------|--------------------|------------------------------------------|
 * | STREAMLAB_LOG_FORMAT  | json, pretty       | pretty on a terminal, json otherwise     |
 * | STREAMLAB_LOG_LEVEL   | error, warn, info, debug | serve info, client warn, run error       |
 * | STREAMLAB_TELEMETRY   | on, off            | on (read by src/instrumentation.ts)      |
 * OTEL_* variables are read by the OpenTelemetry SDK (src/instrumentation.ts).
 */
import { LOG_LEVELS } from './telemetry/logger.ts';
import type { LogFormat, LogLevel } from './telemetry/logger.ts';

/** The validated environment configuration. */
export interface EnvConfig {
  logFormat: LogFormat;
  /** Undefined: each command's own default. */
  logLevel?: LogLevel;
}

/** A configuration value that is not allowed; the message names it and what is. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${name}="${value}" is not allowed: use one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/**
 * Reads and validates the environment.
 * @param env the environment (process.env in main.ts)
 * @param stderrIsTTY whether logs go to a terminal (picks the default format)
 * @throws ConfigError naming the bad variable, its value and the allowed values
 */
export function loadEnvConfig(env: Record<string, string | undefined>, stderrIsTTY: boolean): EnvConfig {
  const format = env.STREAMLAB_LOG_FORMAT;
  const level = env.STREAMLAB_LOG_LEVEL;
  const telemetry = env.STREAMLAB_TELEMETRY;
  if (telemetry !== undefined) oneOf('STREAMLAB_TELEMETRY', telemetry, ['on', 'off']);
  return {
    logFormat: format === undefined ? (stderrIsTTY ? 'pretty' : 'json') : oneOf('STREAMLAB_LOG_FORMAT', format, ['json', 'pretty']),
    ...(level === undefined ? {} : { logLevel: oneOf('STREAMLAB_LOG_LEVEL', level, LOG_LEVELS) }),
  };
}
