/**
 * Running a sample's command for real: `streamlab` as npm runs it (this Node, the SDK
 * preloaded, src/main.ts from the repository root), stdout collected, and for the samples
 * that need one a `streamlab serve` of their own on free ports of 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { SHOWN_SERVER } from './samples.ts';
import type { Sample } from './samples.ts';

/** The repository root, the children's working directory. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where the sample server listens. */
export interface SampleServer {
  /** `127.0.0.1:PORT` of its gRPC listener. */
  target: string;
  /** `http://127.0.0.1:PORT/metrics`. */
  metrics: string;
  /** Stops it (SIGTERM, then waits for its exit). */
  stop(): Promise<void>;
}

function streamlab(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ['--import', './src/instrumentation.ts', 'src/main.ts', ...args], {
    cwd: ROOT, env: { ...process.env, STREAMLAB_LOG_FORMAT: 'json' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Starts `streamlab serve` on free ports of 127.0.0.1 and resolves once it serves.
 * @throws Error with its output when it exits or says nothing within `boundMs`
 */
export async function startSampleServer(boundMs = 30_000): Promise<SampleServer> {
  const child = streamlab(['serve', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0']);
  let seen = '';
  const exited = once(child, 'exit');
  const ports = await new Promise<{ grpc: string; metrics: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`streamlab serve did not start within ${boundMs} ms:\n${seen}`)), boundMs);
    const look = (chunk: Buffer) => {
      seen += chunk;
      const match = /serving gRPC on [\d.]+:(\d+), metrics on :(\d+)/.exec(seen);
      if (!match) return;
      clearTimeout(timer);
      resolve({ grpc: match[1] as string, metrics: match[2] as string });
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`streamlab serve exited before serving:\n${seen}`));
    });
  });
  return {
    target: `127.0.0.1:${ports.grpc}`,
    metrics: `http://127.0.0.1:${ports.metrics}/metrics`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** `args` with `{target}` and `{metrics}` replaced by `server`'s addresses. */
function resolved(args: readonly string[], server: { target: string; metrics: string }): string[] {
  return args.map((arg) => arg.replace('{target}', server.target).replace('{metrics}', server.metrics));
}

/** An argument as a shell would need it written. */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command line of `sample` as the docs show it: `npx streamlab …`, the server at its default addresses. */
export function shownCommand(sample: Sample): string {
  return ['npx', 'streamlab', ...resolved(sample.args, SHOWN_SERVER)].map(shellWord).join(' ');
}

/**
 * Runs `sample` — with a `streamlab serve` of its own, started before and stopped after, when
 * it needs one — and resolves with its stdout, the server's addresses in it written as the docs
 * show them ({@link SHOWN_SERVER}).
 * @throws Error when its server does not start, or it exits with another code than
 *   `sample.exitCode` (naming both, with its stderr), or runs past `sample.boundMs`
 */
export async function runSample(sample: Sample): Promise<string> {
  if (!sample.server) return await runCommand(sample);
  const server = await startSampleServer();
  try {
    return await runCommand(sample, server);
  } finally {
    await server.stop();
  }
}

async function runCommand(sample: Sample, server?: SampleServer): Promise<string> {
  const child = streamlab(server ? resolved(sample.args, server) : sample.args);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => void (stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), sample.boundMs);
  const [code, signal] = await once(child, 'close') as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  if (signal === 'SIGKILL') throw new Error(`sample ${sample.name}: ${shownCommand(sample)} still ran after ${sample.boundMs} ms\n${stderr}`);
  if (code !== sample.exitCode) throw new Error(`sample ${sample.name}: ${shownCommand(sample)} exited ${code}, expected ${sample.exitCode}\n${stderr}`);
  return server ? stdout.replaceAll(server.metrics, SHOWN_SERVER.metrics).replaceAll(server.target, SHOWN_SERVER.target) : stdout;
}
