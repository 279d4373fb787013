/**
 * grpcurl for tests. `stack/install-tools.sh grpcurl` builds it with `go install` (version
 * pinned there) into the tools cache the stack test reads too,
 * `${STREAMLAB_TOOLS_DIR:-$HOME/.cache/streamlab-tools}/bin`; `.ci/run` runs that script
 * before `npm test`. A grpcurl on PATH is used when the cache has none. Without either, a
 * test that needs it fails, saying how to install it: CI always has it, so a missing
 * grpcurl is a broken setup, not an optional check.
 *
 * It runs asynchronously: the server under test lives in the test's own process, so a
 * synchronous spawn would stop it from answering.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findTool } from './native-tool.ts';

const run = promisify(execFile);

/**
 * The grpcurl binary: the tools cache's, else the first on PATH.
 * @throws Error telling how to install it when there is none
 */
export function grpcurlPath(): string {
  return findTool(['grpcurl'], 'Install it with `bash stack/install-tools.sh grpcurl` '
    + '(go install of the pinned github.com/fullstorydev/grpcurl/cmd/grpcurl; needs Go ≥ 1.25), as npm test\'s pretest and .ci/run do.');
}

/**
 * Runs `grpcurl -plaintext [-d JSON] TARGET ARGS...` and returns its stdout.
 * @param request JSON request body (`-d`), for calls
 * @throws Error with grpcurl's exit code and stderr when it fails (or after 20 s)
 */
export async function grpcurl(target: string, args: string[], request?: unknown): Promise<string> {
  const argv = ['-plaintext', ...(request === undefined ? [] : ['-d', JSON.stringify(request)]), target, ...args];
  try {
    const { stdout } = await run(grpcurlPath(), argv, { timeout: 20_000 });
    return stdout;
  } catch (error) {
    const failed = error as Error & { code?: number | string; stderr?: string };
    if (failed.stderr === undefined) throw error;
    throw new Error(`grpcurl ${argv.join(' ')} failed (${String(failed.code)}): ${failed.stderr.trim()}`);
  }
}

/** {@link grpcurl} for a call whose response is JSON. */
export async function grpcurlJson<T>(target: string, method: string, request: unknown = {}): Promise<T> {
  return JSON.parse(await grpcurl(target, [method], request)) as T;
}
