/**
 * A gRPC peer that is not grpc-js: Python grpcio (gRPC C-core) running test/helpers/grpcio_peer.py.
 * `stack/install-tools.sh grpcio` installs Debian's python3-grpcio and links the interpreter
 * that has it as `python3-grpcio` in the tools cache (npm test's pretest and .ci/run do);
 * a `python3-grpcio` on PATH is used when the cache has none.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { findTool } from './native-tool.ts';

const SCRIPT = fileURLToPath(new URL('./grpcio_peer.py', import.meta.url));

/**
 * The Python interpreter with grpcio: the tools cache's, else `python3-grpcio` on PATH.
 * @throws Error telling how to install it when there is none
 */
export function grpcioPython(): string {
  return findTool(['python3-grpcio'], 'Install it with `bash stack/install-tools.sh grpcio` '
    + '(apt-get install python3-grpcio, Debian\'s grpcio for /usr/bin/python3), as npm test\'s pretest and .ci/run do.');
}

/** One grpcio client holding one call open (see grpcio_peer.py). */
export interface GrpcioPeer {
  readonly process: ChildProcess;
  /** Lines it printed so far ("open", "cancelled", "status CODE"). */
  readonly lines: string[];
  /** Resolves when it printed `line`; rejects after `boundMs` (default 10,000) or when it exits first, with its stderr. */
  printed(line: string, boundMs?: number): Promise<void>;
  /** Cancels its call (RST_STREAM CANCEL from C-core). */
  cancel(): void;
  /** SIGKILLs it while it holds the call open; resolves once it is gone. */
  kill(): Promise<void>;
  /** Ends it if still running. */
  close(): Promise<void>;
}

/**
 * Starts a grpcio client that opens one call of `path` (`/package.Service/Method`) on
 * `target` with HEADERS only, no message, and holds it open.
 */
export function startGrpcioPeer(target: string, path: string): GrpcioPeer {
  const child = spawn(grpcioPython(), [SCRIPT, target, path], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    for (const waiter of waiters) waiter();
  });
  const exited = once(child, 'exit').then(() => undefined);
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    process: child,
    lines,
    printed(line, boundMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (lines.includes(line)) return done(() => resolve());
          if (gone()) return done(() => reject(new Error(`grpcio peer exited (${child.exitCode ?? child.signalCode}) before printing "${line}": ${stderr.trim()}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`grpcio peer did not print "${line}" in ${boundMs} ms; printed ${JSON.stringify(lines)}; stderr: ${stderr.trim()}`))), boundMs);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          void exited.then(() => waiters.delete(check));
          settle();
        };
        waiters.add(check);
        void exited.then(check);
        check();
      });
    },
    cancel() {
      child.stdin.write('cancel\n');
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async close() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
    },
  };
}
