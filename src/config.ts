/**
 * Process-wide configuration read from the environment, validated once by main.ts.
 * Command flags (see `streamlab <command> --help`) take precedence over these defaults.
 *
 * | variable              | values             | default                                  |
 * |-----------------------|--------------------|------------------------------------------|
 * | STREAMLAB_LOG_FORMAT  | json, pretty       | pretty on a terminal, json otherwise     |
 * | STREAMLAB_LOG_LEVEL   | error, warn, info, debug | serve info, client warn, run error       |
 * | STREAMLAB_TELEMETRY   | on, off            | on (read by src/instrumentation.ts)      |
 * | STREAMLAB_RPC_SPANS   | streamlab, contrib | streamlab (read by src/instrumentation.ts; `--rpc-spans` wins) |
 * | STREAMLAB_SCENARIO_LABELS | comma-separated names | none: only catalogue scenarios (and `fleet`) label series |
 * | STREAMLAB_MOCK_STREAM_TIMEOUT_MS | integer ms ≥ 0 | 300000 (`mock --stream-timeout-ms`)      |
 * | STREAMLAB_MOCK_MAX_MESSAGES      | integer ≥ 1    | 10000 (`mock --max-messages`)            |
 * | STREAMLAB_MOCK_LATENCY_MIN_MS    | integer ms ≥ 0 | 0 (`mock --latency-min-ms`)              |
 * | STREAMLAB_MOCK_LATENCY_MAX_MS    | integer ms ≥ 0 | 0 (`mock --latency-max-ms`)              |
 * | STREAMLAB_MOCK_SEED              | integer ≥ 0    | none (`mock --seed`)                     |
 * | STREAMLAB_MAX_QUEUED_BYTES       | integer ≥ 1    | 1048576 (`serve --max-queued-bytes`)     |
 * | STREAMLAB_MAX_CONCURRENT_STREAMS | integer ≥ 1    | 10000 (`serve --max-concurrent-streams`) |
 * | STREAMLAB_MOCK_MAX_STATE_BYTES   | integer ≥ 1    | 1048576 (`mock --max-state-bytes`)       |
 * | STREAMLAB_MOCK_MAX_MESSAGE_BYTES | integer ≥ 1    | 4194304 (`mock --max-message-bytes`)     |
 * | STREAMLAB_API_TOKEN              | ≥ 16 of A-Z a-z 0-9 - . _ ~ + / | none (`fleet --api-token`; empty: none) |
 * | STREAMLAB_BUS         | nats://HOST:PORT[,…] | none (`serve --bus`, `fleet --bus`)    |
 * OTEL_* variables are read by the OpenTelemetry SDK (src/instrumentation.ts).
 */
import { LOG_LEVELS } from './telemetry/logger.ts';
import type { LogFormat, LogLevel } from './telemetry/logger.ts';
import { isValidToken, TOKEN_RULE } from './fleet-api/api-access.ts';
import { parseBusUrls } from './bus/bus-url.ts';

/** The validated environment configuration. */
export interface EnvConfig {
  logFormat: LogFormat;
  /** Undefined: each command's own default. */
  logLevel?: LogLevel;
  /** `STREAMLAB_MOCK_*` defaults of `streamlab mock`'s flags; absent variables are absent here. */
  mock: MockEnv;
  /** STREAMLAB_SCENARIO_LABELS: scenario names that label series besides the catalogue's. */
  scenarioLabels: string[];
  /** `STREAMLAB_MAX_*` defaults of `streamlab serve`'s bounds; absent variables are absent here. */
  serve: ServeEnv;
  /** STREAMLAB_API_TOKEN: the fleet control API's bearer token (`fleet --api-token` wins). */
  apiToken?: string;
  /** `STREAMLAB_BUS`: the default of `--bus` (validated); absent when unset. */
  bus?: string;
}

/** The `streamlab serve` bounds from the environment (see the table above). */
export interface ServeEnv {
  maxQueuedBytes?: number;
  maxConcurrentStreams?: number;
}

const SERVE_VARIABLES: Array<[keyof ServeEnv, string]> = [
  ['maxQueuedBytes', 'STREAMLAB_MAX_QUEUED_BYTES'],
  ['maxConcurrentStreams', 'STREAMLAB_MAX_CONCURRENT_STREAMS'],
];

/** @throws ConfigError naming the variable when it is not an integer from 1 to 2^31-1 */
function serveEnv(env: Record<string, string | undefined>): ServeEnv {
  const serve: ServeEnv = {};
  for (const [key, name] of SERVE_VARIABLES) {
    const value = env[name];
    if (value === undefined) continue;
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isSafeInteger(parsed) || parsed < 1 || parsed > 2 ** 31 - 1) {
      throw new ConfigError(`${name}="${value}" is not allowed: use an integer from 1 to 2147483647`);
    }
    serve[key] = parsed;
  }
  return serve;
}

/** A scenario name that may become a label value: letters, digits, `.`, `_`, `-`, 1 to 64 characters. */
const SCENARIO_LABEL = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Parses a comma-separated list of scenario names (STREAMLAB_SCENARIO_LABELS).
 * @throws ConfigError naming the first bad name and what is allowed
 */
export function parseScenarioLabels(name: string, value: string): string[] {
  const labels = value.split(',').map((label) => label.trim()).filter((label) => label !== '');
  const bad = labels.find((label) => !SCENARIO_LABEL.test(label));
  if (bad !== undefined) throw new ConfigError(`${name} has "${bad.slice(0, 80)}": a scenario label is 1 to 64 letters, digits, ".", "_" or "-"`);
  if (labels.length > 1_000) throw new ConfigError(`${name} has ${labels.length} names: at most 1000 (each becomes label values of several series)`);
  return labels;
}

/** The `STREAMLAB_MOCK_*` variables (see the table above). */
export interface MockEnv {
  streamTimeoutMs?: number;
  maxMessages?: number;
  latencyMinMs?: number;
  latencyMaxMs?: number;
  seed?: number;
  maxStateBytes?: number;
  maxMessageBytes?: number;
}

const MOCK_VARIABLES: Array<[keyof MockEnv, string, number]> = [
  ['streamTimeoutMs', 'STREAMLAB_MOCK_STREAM_TIMEOUT_MS', 0],
  ['maxMessages', 'STREAMLAB_MOCK_MAX_MESSAGES', 1],
  ['latencyMinMs', 'STREAMLAB_MOCK_LATENCY_MIN_MS', 0],
  ['latencyMaxMs', 'STREAMLAB_MOCK_LATENCY_MAX_MS', 0],
  ['seed', 'STREAMLAB_MOCK_SEED', 0],
  ['maxStateBytes', 'STREAMLAB_MOCK_MAX_STATE_BYTES', 1],
  ['maxMessageBytes', 'STREAMLAB_MOCK_MAX_MESSAGE_BYTES', 1],
];

/** @throws ConfigError naming the variable when it is not an integer ≥ min */
function mockEnv(env: Record<string, string | undefined>): MockEnv {
  const mock: MockEnv = {};
  for (const [key, name, min] of MOCK_VARIABLES) {
    const value = env[name];
    if (value === undefined) continue;
    const parsed = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN; // digits only: "1e3", "0x10", "5.0" are refused
    if (!Number.isSafeInteger(parsed) || parsed < min) throw new ConfigError(`${name}="${value}" is not allowed: use an integer ≥ ${min}`);
    mock[key] = parsed;
  }
  return mock;
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
  const rpcSpans = env.STREAMLAB_RPC_SPANS;
  if (rpcSpans !== undefined) oneOf('STREAMLAB_RPC_SPANS', rpcSpans, ['streamlab', 'contrib']);
  const apiToken = env.STREAMLAB_API_TOKEN === '' ? undefined : env.STREAMLAB_API_TOKEN;
  // The value is a secret: the message does not repeat it.
  if (apiToken !== undefined && !isValidToken(apiToken)) throw new ConfigError(`STREAMLAB_API_TOKEN is not allowed: use ${TOKEN_RULE}`);
  const bus = env.STREAMLAB_BUS;
  if (bus !== undefined) {
    try {
      parseBusUrls(bus);
    } catch (error) {
      throw new ConfigError(`STREAMLAB_BUS="${bus}" is not allowed: ${(error as Error).message}`);
    }
  }
  return {
    logFormat: format === undefined ? (stderrIsTTY ? 'pretty' : 'json') : oneOf('STREAMLAB_LOG_FORMAT', format, ['json', 'pretty']),
    ...(level === undefined ? {} : { logLevel: oneOf('STREAMLAB_LOG_LEVEL', level, LOG_LEVELS) }),
    mock: mockEnv(env),
    serve: serveEnv(env),
    scenarioLabels: env.STREAMLAB_SCENARIO_LABELS === undefined ? [] : parseScenarioLabels('STREAMLAB_SCENARIO_LABELS', env.STREAMLAB_SCENARIO_LABELS),
    ...(apiToken === undefined ? {} : { apiToken }),
    ...(bus === undefined ? {} : { bus }),
  };
}
