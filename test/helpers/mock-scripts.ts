/**
 * Helpers of the mock's tests: a scripts directory written for one test, and a bound on a
 * promise so that a frozen mock fails its test instead of hanging the suite.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh scripts directory holding `<service>/<method>.jsonl` with `lines`.
 * @returns the directory (the mock's `--scripts`) and the script file
 */
export function mockScripts(service: string, method: string, lines: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'streamlab-mock-scripts-'));
  mkdirSync(join(dir, service));
  const file = join(dir, service, `${method}.jsonl`);
  writeFileSync(file, lines);
  return { dir, file };
}

/**
 * `promise`, or a rejection naming `what` after `ms` milliseconds.
 * @throws Error `<what>: no answer within <ms> ms`
 */
export function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => void (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
