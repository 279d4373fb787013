/**
 * What main.ts hands every command: its streams, defaults it read from the environment,
 * and the hooks it owns (signals, exit code).
 */
import type { Readable, Writable } from 'node:stream';
import type { LogFormat, LogLevel } from '../telemetry/logger.ts';
import type { SpanRecord } from '../telemetry/span-record.ts';
import type { ParentLink } from '../server-process/server-process-protocol.ts';
import type { MockEnv, ServeEnv } from '../config.ts';
import type { RpcSpanPipeline } from '../telemetry/telemetry-deps.ts';

/** The span pipeline of the process (src/instrumentation.ts), as commands may use it. */
export interface SpanPipeline extends RpcSpanPipeline {
  /** Exports every finished span now. */
  forceFlush(): Promise<void>;
  /** Hands every span that ends from now on to `sink` (a child reporting to its parent). */
  forwardSpans(sink: (spans: SpanRecord[]) => Promise<void>): void;
  /** Feeds spans a child process recorded into this process's pipeline. */
  importSpans(spans: readonly SpanRecord[]): void;
}

/** The command-line context built once by main.ts. */
export interface CliContext {
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  /** Log format default (STREAMLAB_LOG_FORMAT; json when stderr is not a terminal). */
  logFormat: LogFormat;
  /** Log level default (STREAMLAB_LOG_LEVEL; else serve info, client warn, run error). */
  logLevel?: LogLevel;
  /** Scenario names that may become `scenario` label values besides the catalogue's (STREAMLAB_SCENARIO_LABELS). */
  scenarioLabels?: string[];
  /** Defaults of `streamlab mock`'s limits from `STREAMLAB_MOCK_*` (src/config.ts). */
  mockDefaults?: MockEnv;
  /** Defaults of `streamlab serve`'s bounds from `STREAMLAB_MAX_*` (src/config.ts). */
  serveDefaults?: ServeEnv;
  /** The fleet control API's bearer token from STREAMLAB_API_TOKEN (src/config.ts). */
  apiToken?: string;
  /** Default of `serve --bus` and `fleet --bus` (STREAMLAB_BUS, validated). */
  bus?: string;
  /**
   * Registers what to do on SIGTERM/SIGINT; main.ts calls it once, awaits it, flushes
   * telemetry and exits 0.
   */
  onShutdown(handler: () => Promise<void>): void;
  /** Sets the process exit code main.ts exits with once the command is done. */
  setExitCode(code: number): void;
  /** The process's span pipeline. */
  spans: SpanPipeline;
  /**
   * Present when a scenario runner started this process to report to it over IPC
   * (`STREAMLAB_REPORT_TO_PARENT=1` and an IPC channel): `serve` then reports its port,
   * lifecycle records and spans (src/server-process/server-process-protocol.ts).
   */
  parent?: ParentLink;
}
