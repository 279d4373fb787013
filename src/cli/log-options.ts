/**
 * The --log-format and --log-level options every long-running command takes.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { LOG_LEVELS } from '../telemetry/logger.ts';
import type { LogFormat, LogLevel } from '../telemetry/logger.ts';
import type { CliContext } from './cli-context.ts';

/** Parsed log options. */
export interface LogOptions {
  logFormat: LogFormat;
  logLevel: LogLevel;
}

/** Adds --log-format and --log-level with defaults from the context (or `fallbackLevel`). */
export function addLogOptions(command: Command, context: CliContext, fallbackLevel: LogLevel): Command {
  return command
    .addOption(new Option('--log-format <format>', 'log format on stderr').choices(['json', 'pretty']).default(context.logFormat))
    .addOption(new Option('--log-level <level>', 'least severe level logged').choices([...LOG_LEVELS]).default(context.logLevel ?? fallbackLevel));
}
