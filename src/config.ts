/**
 * Process-wide configuration read from the environment, validated once by main.ts.
 * Command flags (see `streamlab <command> --help`) take precedence over these defaults.
 *
 * Every variable streamlab reads is declared once below, with its allowed values, default,
 * meaning and parser: {@link STREAMLAB_VARIABLES} (validated by {@link loadEnvConfig}),
 * {@link OTEL_VARIABLES} (read by the OpenTelemetry SDK and src/instrumentation.ts) and
 * {@link INTERNAL_VARIABLES}. docs/reference.md ("Configuration") is generated from them.
 */
import { LOG_LEVELS } from './telemetry/logger.ts';
import type { LogFormat, LogLevel } from './telemetry/logger.ts';
import { isValidToken, TOKEN_RULE } from './fleet-api/api-access.ts';
import { BUS_URL_FORMAT, parseBusUrls } from './bus/bus-url.ts';
import { MOCK_LIMIT_DEFAULTS } from './mock/mock-runtime.ts';
import { DEFAULT_MAX_QUEUED_BYTES } from './services/bounded-writes.ts';
import { SERVER_DEFAULTS } from './server/create-server.ts';
import { REPORT_TO_PARENT_ENV } from './server-process/server-process-protocol.ts';

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

/** The `streamlab serve` bounds from the environment (`STREAMLAB_MAX_*`). */
export interface ServeEnv {
  maxQueuedBytes?: number;
  maxConcurrentStreams?: number;
}

/** The `STREAMLAB_MOCK_*` variables. */
export interface MockEnv {
  streamTimeoutMs?: number;
  maxMessages?: number;
  latencyMinMs?: number;
  latencyMaxMs?: number;
  seed?: number;
  maxStateBytes?: number;
  maxMessageBytes?: number;
}

/** How an environment variable is documented (docs/reference.md, "Configuration"). */
export interface EnvVariableDoc {
  /** The allowed values, in words. */
  values: string;
  /** What applies while it is unset. */
  default: string;
  /** What it sets, and the flag that wins over it, if any. */
  meaning: string;
}

/** A variable streamlab validates itself: its documentation and its parser. */
export interface EnvVariable<T> extends EnvVariableDoc {
  /**
   * The value as the configuration holds it (undefined: as if unset).
   * @param name the variable's name, for the message
   * @throws ConfigError naming the variable, its value (unless secret) and what is allowed
   */
  parse(value: string, name: string): T;
}

/** Declares a variable, keeping its parser's type. */
const variable = <T>(spec: EnvVariable<T>): EnvVariable<T> => spec;

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

/** A parser of one of `allowed`. */
const choice = <T extends string>(allowed: readonly T[]) => (value: string, name: string): T => oneOf(name, value, allowed);

/** A parser of a decimal integer ≥ `min`, digits only: "1e3", "0x10", "5.0" are refused. */
const integerAtLeast = (min: number) => (value: string, name: string): number => {
  const parsed = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min) throw new ConfigError(`${name}="${value}" is not allowed: use an integer ≥ ${min}`);
  return parsed;
};

/** A parser of an integer from 1 to 2^31-1 (a `streamlab serve` bound). */
const serveBound = (value: string, name: string): number => {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(parsed) || parsed < 1 || parsed > 2 ** 31 - 1) {
    throw new ConfigError(`${name}="${value}" is not allowed: use an integer from 1 to 2147483647`);
  }
  return parsed;
};

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

/** A `STREAMLAB_MOCK_*` variable: an integer ≥ `min`, the default of `streamlab mock`'s `flag` (built in: `fallback`). */
const mockInteger = (min: number, flag: string, meaning: string, fallback: number | undefined) => variable({
  values: `integer ≥ ${min}`,
  default: `${fallback ?? 'none'} (\`mock ${flag}\`)`,
  meaning: `${meaning}; \`${flag}\` wins`,
  parse: integerAtLeast(min),
});

/**
 * The `STREAMLAB_*` variables, validated by {@link loadEnvConfig} (a bad value stops every
 * command with exit 2 and one line naming it), in the order docs/reference.md lists them.
 */
export const STREAMLAB_VARIABLES = {
  STREAMLAB_LOG_FORMAT: variable<LogFormat>({
    values: 'json, pretty', default: 'pretty on a terminal, json otherwise',
    meaning: 'log format on stderr; `--log-format` wins', parse: choice(['json', 'pretty']),
  }),
  STREAMLAB_LOG_LEVEL: variable<LogLevel>({
    values: LOG_LEVELS.join(', '), default: "each command's own (serve info, client warn, run error)",
    meaning: 'least severe level logged; `--log-level` wins', parse: choice(LOG_LEVELS),
  }),
  STREAMLAB_TELEMETRY: variable<'on' | 'off'>({
    values: 'on, off', default: 'on',
    meaning: '`off` starts no OpenTelemetry SDK (the benchmark\'s baseline); read by src/instrumentation.ts', parse: choice(['on', 'off']),
  }),
  STREAMLAB_RPC_SPANS: variable<'streamlab' | 'contrib'>({
    values: 'streamlab, contrib', default: 'streamlab',
    meaning: 'who creates the RPC spans: streamlab\'s interceptors, or @opentelemetry/instrumentation-grpc decorated by streamlab; `--rpc-spans` wins',
    parse: choice(['streamlab', 'contrib']),
  }),
  STREAMLAB_SCENARIO_LABELS: variable<string[]>({
    values: 'names separated by commas, each 1 to 64 of A-Z a-z 0-9 . _ -, at most 1000',
    default: 'none: only the catalogue\'s scenarios (and `fleet`) label series',
    meaning: 'scenario names (W3C baggage `streamlab.scenario`) that become `scenario` label values; any other is `other`',
    parse: (value, name) => parseScenarioLabels(name, value),
  }),
  STREAMLAB_MAX_QUEUED_BYTES: variable<number>({
    values: 'integer from 1 to 2147483647', default: `${DEFAULT_MAX_QUEUED_BYTES} (\`serve --max-queued-bytes\`)`,
    meaning: 'bytes a server stream may queue for a reader that does not keep up before it ends RESOURCE_EXHAUSTED; `--max-queued-bytes` wins',
    parse: serveBound,
  }),
  STREAMLAB_MAX_CONCURRENT_STREAMS: variable<number>({
    values: 'integer from 1 to 2147483647', default: `${SERVER_DEFAULTS.maxConcurrentStreams} (\`serve --max-concurrent-streams\`)`,
    meaning: 'streams one connection may hold open (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS); `--max-concurrent-streams` wins',
    parse: serveBound,
  }),
  STREAMLAB_MOCK_STREAM_TIMEOUT_MS: mockInteger(0, '--stream-timeout-ms', 'ms a mocked stream may stay open before it ends DEADLINE_EXCEEDED (0: never)', MOCK_LIMIT_DEFAULTS.streamTimeoutMs),
  STREAMLAB_MOCK_MAX_MESSAGES: mockInteger(1, '--max-messages', 'messages the mock sends per stream; one more ends it RESOURCE_EXHAUSTED', MOCK_LIMIT_DEFAULTS.maxMessages),
  STREAMLAB_MOCK_LATENCY_MIN_MS: mockInteger(0, '--latency-min-ms', 'least latency added to each message the mock sends, ms', MOCK_LIMIT_DEFAULTS.latencyMinMs),
  STREAMLAB_MOCK_LATENCY_MAX_MS: mockInteger(0, '--latency-max-ms', 'most latency added to each message the mock sends, ms', MOCK_LIMIT_DEFAULTS.latencyMaxMs),
  STREAMLAB_MOCK_SEED: mockInteger(0, '--seed', 'seed of the mock\'s random helpers and latency, for reproducible runs', undefined),
  STREAMLAB_MOCK_MAX_STATE_BYTES: mockInteger(1, '--max-state-bytes', 'bytes of a mocked stream\'s state as JSON; past it the stream ends RESOURCE_EXHAUSTED', MOCK_LIMIT_DEFAULTS.maxStateBytes),
  STREAMLAB_MOCK_MAX_MESSAGE_BYTES: mockInteger(1, '--max-message-bytes', 'bytes of a rendered message as JSON; past it the stream ends RESOURCE_EXHAUSTED', MOCK_LIMIT_DEFAULTS.maxMessageBytes),
  STREAMLAB_API_TOKEN: variable<string | undefined>({
    values: TOKEN_RULE, default: 'none (empty: none)',
    meaning: 'bearer token of the fleet control API\'s `/api` routes, required when it listens beyond loopback (docs/security.md); `fleet --api-token` wins',
    // The value is a secret: the message does not repeat it.
    parse: (value, name) => {
      if (value === '') return undefined;
      if (!isValidToken(value)) throw new ConfigError(`${name} is not allowed: use ${TOKEN_RULE}`);
      return value;
    },
  }),
  STREAMLAB_BUS: variable<string>({
    values: BUS_URL_FORMAT, default: 'none: each server numbers its own topics',
    meaning: 'NATS JetStream numbers the topics\' events for every server (docs/fleet-bus.md); `serve --bus`, `fleet --bus` win',
    parse: (value, name) => {
      try {
        parseBusUrls(value);
      } catch (error) {
        throw new ConfigError(`${name}="${value}" is not allowed: ${(error as Error).message}`);
      }
      return value;
    },
  }),
} as const;

/** The name of a `STREAMLAB_*` variable of {@link STREAMLAB_VARIABLES}. */
export type StreamlabVariable = keyof typeof STREAMLAB_VARIABLES;

/** The OpenTelemetry variables streamlab's process takes notice of: the SDK parses them, src/instrumentation.ts picks exporters by them. */
export const OTEL_VARIABLES: Readonly<Record<string, EnvVariableDoc>> = {
  OTEL_EXPORTER_OTLP_ENDPOINT: { values: 'URL', default: 'unset', meaning: 'traces leave the process over OTLP only when this (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set' },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: { values: 'URL', default: 'unset', meaning: 'the same, for traces only' },
  OTEL_EXPORTER_OTLP_PROTOCOL: { values: 'http/protobuf, grpc', default: 'http/protobuf', meaning: '`grpc` for port 4317 (`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` wins)' },
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: { values: 'http/protobuf, grpc', default: '`OTEL_EXPORTER_OTLP_PROTOCOL`', meaning: 'the same, for traces only' },
  OTEL_TRACES_EXPORTER: { values: 'otlp, console, none', default: 'otlp when an endpoint is set, else none', meaning: 'where finished spans go besides streamlab\'s own reports' },
  OTEL_SERVICE_NAME: { values: 'text', default: 'streamlab (child servers: streamlab-server-process)', meaning: 'the `service.name` resource attribute' },
  OTEL_RESOURCE_ATTRIBUTES: { values: 'key=value,…', default: 'none', meaning: 'more resource attributes' },
  OTEL_TRACES_SAMPLER: { values: 'as the SDK', default: 'parent-based always-on', meaning: 'the sampler' },
  OTEL_PROPAGATORS: { values: 'as the SDK', default: 'tracecontext,baggage', meaning: 'how trace context and baggage travel in metadata (streamlab needs baggage for `streamlab.scenario`)' },
  OTEL_LOG_LEVEL: { values: 'as the SDK', default: 'error', meaning: 'the SDK\'s own diagnostics' },
  OTEL_METRICS_EXPORTER: { values: 'as the SDK', default: 'unset: no SDK metric reader', meaning: 'streamlab\'s metrics are prom-client\'s `/metrics`; set this only for the SDK\'s own' },
  OTEL_LOGS_EXPORTER: { values: 'as the SDK', default: 'unset: no SDK log processor', meaning: 'streamlab logs with winston; set this only for the SDK\'s own' },
};

/** Variables streamlab sets or that launchers set, never meant to be set by hand. */
export const INTERNAL_VARIABLES: Readonly<Record<string, EnvVariableDoc>> = {
  [REPORT_TO_PARENT_ENV]: { values: '1', default: 'unset', meaning: 'set by streamlab on the `serve` child processes it starts: report records and spans to the parent over IPC' },
  npm_lifecycle_event: { values: 'set by npm', default: 'unset', meaning: 'when present (`npx streamlab`, `npm run`) streamlab stops as on SIGTERM once its launcher goes away (docs/operations.md)' },
};

/** `EnvConfig.mock` keys by variable. */
const MOCK_KEYS = {
  STREAMLAB_MOCK_STREAM_TIMEOUT_MS: 'streamTimeoutMs',
  STREAMLAB_MOCK_MAX_MESSAGES: 'maxMessages',
  STREAMLAB_MOCK_LATENCY_MIN_MS: 'latencyMinMs',
  STREAMLAB_MOCK_LATENCY_MAX_MS: 'latencyMaxMs',
  STREAMLAB_MOCK_SEED: 'seed',
  STREAMLAB_MOCK_MAX_STATE_BYTES: 'maxStateBytes',
  STREAMLAB_MOCK_MAX_MESSAGE_BYTES: 'maxMessageBytes',
} as const satisfies Partial<Record<StreamlabVariable, keyof MockEnv>>;

/** `EnvConfig.serve` keys by variable. */
const SERVE_KEYS = {
  STREAMLAB_MAX_QUEUED_BYTES: 'maxQueuedBytes',
  STREAMLAB_MAX_CONCURRENT_STREAMS: 'maxConcurrentStreams',
} as const satisfies Partial<Record<StreamlabVariable, keyof ServeEnv>>;

/** The parsed value of variable `V`. */
type Parsed<V extends StreamlabVariable> = ReturnType<(typeof STREAMLAB_VARIABLES)[V]['parse']>;

/**
 * Reads and validates the environment.
 * @param env the environment (process.env in main.ts)
 * @param stderrIsTTY whether logs go to a terminal (picks the default format)
 * @throws ConfigError naming the bad variable, its value and the allowed values
 */
export function loadEnvConfig(env: Record<string, string | undefined>, stderrIsTTY: boolean): EnvConfig {
  const parsed: { [V in StreamlabVariable]?: Parsed<V> } = {};
  for (const name of Object.keys(STREAMLAB_VARIABLES) as StreamlabVariable[]) {
    const value = env[name];
    if (value !== undefined) (parsed as Record<string, unknown>)[name] = STREAMLAB_VARIABLES[name].parse(value, name);
  }
  const mock: MockEnv = {};
  for (const [name, key] of Object.entries(MOCK_KEYS) as Array<[keyof typeof MOCK_KEYS, keyof MockEnv]>) {
    if (parsed[name] !== undefined) mock[key] = parsed[name];
  }
  const serve: ServeEnv = {};
  for (const [name, key] of Object.entries(SERVE_KEYS) as Array<[keyof typeof SERVE_KEYS, keyof ServeEnv]>) {
    if (parsed[name] !== undefined) serve[key] = parsed[name];
  }
  const { STREAMLAB_LOG_LEVEL: logLevel, STREAMLAB_API_TOKEN: apiToken, STREAMLAB_BUS: bus } = parsed;
  return {
    logFormat: parsed.STREAMLAB_LOG_FORMAT ?? (stderrIsTTY ? 'pretty' : 'json'),
    ...(logLevel === undefined ? {} : { logLevel }),
    mock,
    serve,
    scenarioLabels: parsed.STREAMLAB_SCENARIO_LABELS ?? [],
    ...(apiToken === undefined ? {} : { apiToken }),
    ...(bus === undefined ? {} : { bus }),
  };
}
