/**
 * Running `streamlab` the way a user (and npm) does: Node 24 with the SDK preloaded,
 * `src/main.ts` from the repository root, output collected. A child still running when its
 * test file ends is killed, so a failed assertion never leaves one holding the file open.
 */
import { after } from 'node:test';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** The repository root, the children's working directory. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** How a run ended and what it wrote. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link startCli}. */
export interface CliOptions {
  /** Added to the environment. */
  env?: Record<string, string>;
  /** Kill it (SIGKILL) and reject `done` when it has not exited after this many ms. Default: no bound. */
  boundMs?: number;
  /** Its stdin. Default 'ignore'. */
  stdin?: 'pipe' | 'ignore';
}

/** A running `streamlab`. */
export interface CliProcess {
  child: ChildProcess;
  /** Resolves when it exited, with its code and output. */
  done: Promise<CliRun>;
  /**
   * Resolves with everything `stream` has written so far once it matches `pattern`.
   * @throws Error naming the pattern and the output so far after `boundMs` (default 10,000)
   */
  output(stream: 'stdout' | 'stderr', pattern: RegExp, boundMs?: number): Promise<string>;
}

const live = new Set<ChildProcess>();
after(() => {
  for (const child of live) child.kill('SIGKILL');
});

/** Starts `streamlab ...args`. */
export function startCli(args: readonly string[], options: CliOptions = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', './src/instrumentation.ts', 'src/main.ts', ...args], {
    cwd: ROOT, env: { ...process.env, ...options.env }, stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const seen = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => void (seen.stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => void (seen.stderr += chunk));
  const exited = once(child, 'close').then(([code]) => {
    live.delete(child);
    return { code: code as number | null, stdout: seen.stdout, stderr: seen.stderr };
  });
  const done = options.boundMs === undefined ? exited : new Promise<CliRun>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`streamlab ${args.join(' ')}: no exit after ${options.boundMs} ms\n${seen.stderr}`));
    }, options.boundMs);
    void exited.then((run) => {
      clearTimeout(timer);
      resolve(run);
    });
  });
  const output = (stream: 'stdout' | 'stderr', pattern: RegExp, boundMs = 10_000) => new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${boundMs} ms; output so far: ${seen[stream]}`)), boundMs);
    const check = () => {
      if (!pattern.test(seen[stream])) return;
      clearTimeout(timer);
      child[stream]!.off('data', check);
      resolve(seen[stream]);
    };
    // Not for-await: breaking out of it would destroy the child's pipe.
    child[stream]!.on('data', check);
    check();
  });
  return { child, done, output };
}

/** Runs `streamlab ...args` to its exit. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return startCli(args, options).done;
}
