/**
 * Running Prometheus's own promtool (Debian's prometheus package; stack/install-tools.sh
 * links it into ~/.cache/streamlab-tools/bin): `check rules` to validate rule files, `test
 * rules` to evaluate them over input series with Prometheus's rule engine.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What a promtool run printed. */
export interface PromtoolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A rule file promtool refused: its own message (file, line, what is wrong). */
export class RuleFileError extends Error {}

/** promtool could not be started or did not finish in time. */
export class PromtoolError extends Error {}

/** Where promtool is looked for first: the tools cache that stack/install-tools.sh fills. */
export const CACHED_PROMTOOL = join(homedir(), '.cache/streamlab-tools/bin/promtool');

/** The default promtool: the tools cache's when it exists, else `promtool` from PATH. */
export function defaultPromtool(): string {
  return existsSync(CACHED_PROMTOOL) ? CACHED_PROMTOOL : 'promtool';
}

/**
 * Runs `promtool ...args` in `cwd`, killing it after `boundMs`.
 * @throws PromtoolError when it cannot be started (naming how to install it) or runs past the bound
 */
export function runPromtool(promtool: string, args: readonly string[], options: { cwd?: string; boundMs?: number } = {}): Promise<PromtoolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(promtool, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new PromtoolError(`${promtool} ${args[0] ?? ''} ${args[1] ?? ''} did not finish within ${options.boundMs} ms`));
    }, options.boundMs ?? 120_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new PromtoolError(`cannot run ${promtool}: ${error.message} (install it: bash stack/install-tools.sh prometheus, or apt-get install prometheus; or pass --promtool PATH)`));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Checks rule files with `promtool check rules` (YAML, PromQL, templates).
 * @throws RuleFileError with promtool's FAILED lines (`FILE: LINE:COL: …`) when a file does not pass
 */
export async function checkRuleFiles(promtool: string, files: readonly string[]): Promise<void> {
  const run = await runPromtool(promtool, ['check', 'rules', ...files], { boundMs: 60_000 });
  if (run.code === 0) return;
  const lines = [...new Set(`${run.stderr}\n${run.stdout}`.split('\n').map((line) => line.trim()).filter((line) => line && line !== 'FAILED:' && !line.startsWith('Checking ') && !line.startsWith('SUCCESS')))];
  throw new RuleFileError(lines.join('\n') || `promtool check rules failed (exit ${run.code})`);
}
