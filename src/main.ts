/**
 * The streamlab command line. The only module that reads the environment and handles
 * signals; commands (src/cli/) build things with createX(deps) and listen.
 *
 * Run it with the SDK preloaded so grpc-js is patched before it loads:
 *   node --import ./src/instrumentation.ts src/main.ts <command> [options]
 * `npx streamlab` (bin/streamlab.js) and the npm scripts do exactly that.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, loadEnvConfig } from './config.ts';
import { RPC_SPAN_MODES } from './telemetry/telemetry-deps.ts';
import type { CliContext } from './cli/cli-context.ts';
import { watchLauncher } from './cli/launcher-watch.ts';
import { configureHelpLayout } from './cli/help-layout.ts';
import { REPORT_TO_PARENT_ENV } from './server-process/server-process-protocol.ts';
import type { ParentLink, ParentMessage } from './server-process/server-process-protocol.ts';
import { registerAlertsCommand } from './cli/alerts-command.ts';
import { registerScenariosCommand } from './cli/scenarios-command.ts';
import { registerClientCommand } from './cli/client-command.ts';
import { registerDriveCommand } from './cli/drive-command.ts';
import { registerFleetCommand } from './cli/fleet-command.ts';
import { registerMockCommand } from './cli/mock-command.ts';
import { registerLoadCommand } from './cli/load-command.ts';
import { registerLabSubscribersCommand } from './cli/lab-subscribers-command.ts';
import { registerProxyCommand } from './cli/proxy-command.ts';
import { registerRunCommand } from './cli/run-command.ts';
import { registerServeCommand } from './cli/serve-command.ts';

/** Exit code of usage errors (bad flags, values, scenario names), as most CLIs use. */
const USAGE_ERROR = 2;

// Already loaded by --import; importing it again returns the same instance.
const { telemetry } = await import('./instrumentation.ts');

let exitCode = 0;
let shutdownHandler: (() => Promise<void>) | undefined;

async function exit(code: number): Promise<never> {
  await telemetry.shutdown().catch((error: unknown) => process.stderr.write(`telemetry flush failed: ${String(error)}\n`));
  process.exit(code);
}

let env;
try {
  env = loadEnvConfig(process.env, Boolean(process.stderr.isTTY));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`error: ${error.message}\n`);
  process.exit(USAGE_ERROR);
}

/** The IPC channel to a scenario runner that started us (src/server-process/server-process.ts). */
function parentLink(): ParentLink | undefined {
  const send = process.send?.bind(process);
  if (!send || process.env[REPORT_TO_PARENT_ENV] !== '1') return undefined;
  // The runner is gone: nobody will ever stop us, and our reports go nowhere.
  process.once('disconnect', () => process.exit(1));
  return {
    send: (message) => new Promise<void>((resolve) => {
      if (!process.connected) return resolve();
      send(message, undefined, {}, () => resolve());
    }),
    onMessage: (handler) => void process.on('message', (message) => handler(message as ParentMessage)),
  };
}
const parent = parentLink();

const context: CliContext = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  logFormat: env.logFormat,
  mockDefaults: env.mock,
  serveDefaults: env.serve,
  scenarioLabels: env.scenarioLabels,
  ...(env.apiToken ? { apiToken: env.apiToken } : {}),
  ...(env.bus ? { bus: env.bus } : {}),
  ...(env.logLevel ? { logLevel: env.logLevel } : {}),
  onShutdown: (handler) => void (shutdownHandler = handler),
  setExitCode: (code) => void (exitCode = code),
  spans: telemetry,
  ...(parent ? { parent } : {}),
};

let signalled = false;
/** SIGTERM, SIGINT or the launcher gone: drain through the command's handler, then exit; a second time: exit now. */
function stop(): void {
  if (signalled) return void exit(130); // a second signal: stop now
  signalled = true;
  if (!shutdownHandler) return void exit(0);
  shutdownHandler().then(() => exit(exitCode), (error: unknown) => {
    process.stderr.write(`shutdown failed: ${String(error)}\n`);
    return exit(1);
  });
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, stop);

// Started by npm (`npx streamlab`, `npm run`, `npm start`): a signal to npm never reaches this
// process (npm forwards it to the shell between us, which dies alone), so watch for the launcher
// going away and stop as on SIGTERM (src/cli/launcher-watch.ts).
if (process.env.npm_lifecycle_event !== undefined) {
  watchLauncher({
    onGone: (reason) => {
      if (signalled) return;
      process.stderr.write(`streamlab: ${reason}: stopping as on SIGTERM\n`);
      stop();
    },
  });
}

/** The version `--version` prints: package.json's, read where the package is installed. */
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * A commander error as the one line usage errors get: commander puts its suggestion on a
 * line of its own ("\n(Did you mean serve?)"); it joins the first here.
 */
function oneLine(text: string): string {
  return `${text.trim().replace(/\s*\n\(Did you mean (.*)\?\)/g, ' (did you mean $1?)').replace(/\s*\n\s*/g, ' ')}\n`;
}

const program = new Command('streamlab')
  .description('See why gRPC streams end and how fast each side notices: a traced, measured reference service.')
  .version(version, '-V, --version', 'print the version of streamlab')
  .showSuggestionAfterError(true)
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text), outputError: (text, write) => write(oneLine(text)) });
configureHelpLayout(program, process.stdout);
registerServeCommand(program, context);
registerClientCommand(program, context);
registerProxyCommand(program, process);
registerRunCommand(program, context);
registerScenariosCommand(program, context);
registerDriveCommand(program, context);
registerFleetCommand(program, context);
registerMockCommand(program, context);
registerLoadCommand(program, context);
registerAlertsCommand(program, context);
registerLabSubscribersCommand(program, context);
// Span mode, on every command: src/instrumentation.ts reads it from argv before grpc-js loads;
// here it is only validated and shown in --help.
const spanModeOption = () => new Option('--rpc-spans <mode>', `who creates the RPC spans: streamlab (its interceptors) or contrib (@opentelemetry/instrumentation-grpc, decorated by streamlab); default STREAMLAB_RPC_SPANS or streamlab (now: ${telemetry.rpcSpans})`).choices([...RPC_SPAN_MODES]);
program.commands.forEach((command) => command.exitOverride().addOption(spanModeOption()));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    const helpOrVersion = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
    await exit(helpOrVersion ? 0 : error.exitCode === 1 ? USAGE_ERROR : error.exitCode);
  }
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  await exit(1);
}
await exit(exitCode);
