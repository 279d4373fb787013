/**
 * What main.ts hands every command: its streams, defaults it read from the environment,
 * and the hooks it owns (signals, exit code).
 */
import type { Readable, Writable } from 'node:stream';
import type { LogFormat, LogLevel } from '../telemetry/logger.ts';

/** The command-line context built once by main.ts. */
export interface CliContext {
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  /** Log format default (STREAMLAB_LOG_FORMAT; json when stderr is not a terminal). */
  logFormat: LogFormat;
  /** Log level default (STREAMLAB_LOG_LEVEL; else serve info, client warn, run error). */
  logLevel?: LogLevel;
  /**
   * Registers what to do on SIGTERM/SIGINT; main.ts calls it once, awaits it, flushes
   * telemetry and exits 0.
   */
  onShutdown(handler: () => Promise<void>): void;
  /** Sets the process exit code main.ts exits with once the command is done. */
  setExitCode(code: number): void;
}
