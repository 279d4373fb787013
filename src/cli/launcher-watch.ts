/**
 * Notices that the launcher that started streamlab went away (issue 16 item 9), so the
 * service drains and exits instead of running on, reparented to PID 1.
 *
 * `npx streamlab serve` is three processes: npm (`npm exec`), the shell npm runs the bin
 * through (`sh -c streamlab serve`), and this Node process. SIGTERM to npm — what `timeout`,
 * `kill $!` and many supervisors send — is forwarded by npm to the shell only; the shell dies
 * without passing it on, npm exits, and the server kept listening (checked with npm 11.19
 * and dash). `npm run`/`npm start` are built the same way. No signal reaches this process,
 * so it watches instead: every `intervalMs` it checks that its parent is the one it started
 * with and that each launcher process above it (the shells, then the first process that is
 * not a shell: npm) still runs — the same process (its start time in /proc), not a zombie.
 * On Linux the whole chain is watched, elsewhere the parent only (process.ppid).
 */
import { readFileSync } from 'node:fs';

/** Process names of the shells npm runs scripts and bins through (`script-shell`, default /bin/sh). */
const SHELLS = new Set(['sh', 'dash', 'bash', 'ash', 'zsh', 'busybox']);

/** Options of {@link watchLauncher}. */
export interface LauncherWatchOptions {
  /** How often to look, ms. Default 250. */
  intervalMs?: number;
  /** Called once, with what went away (e.g. `launcher npm exec streamlab (pid 812) exited`). */
  onGone(reason: string): void;
}

/** What /proc/<pid>/stat says of a process: its name, state, parent and start time (clock ticks after boot). */
interface ProcStat {
  comm: string;
  state: string;
  ppid: number;
  startTime: string;
}

/** @returns undefined when the process is gone or /proc is not there */
function procStat(pid: number): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ... starttime(22nd)": comm may hold spaces and parentheses.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  return { comm: stat.slice(stat.indexOf('(') + 1, close), state: fields[0] ?? '', ppid: Number(fields[1]), startTime: fields[19] ?? '' };
}

/**
 * The launcher chain above this process: its parent and, while that is a shell, the shell's
 * parent, up to the first process that is not a shell. Empty without /proc.
 */
function launcherChain(parent: number): Array<{ pid: number; comm: string; startTime: string }> {
  const chain: Array<{ pid: number; comm: string; startTime: string }> = [];
  for (let pid = parent; pid > 1;) {
    const stat = procStat(pid);
    if (!stat) break;
    chain.push({ pid, comm: stat.comm, startTime: stat.startTime });
    if (!SHELLS.has(stat.comm)) break;
    pid = stat.ppid;
  }
  return chain;
}

/**
 * Starts watching this process's launcher chain (see the module comment). The timer is
 * unref'd: it never keeps the process alive.
 * @returns stop(), which ends the watch
 */
export function watchLauncher(options: LauncherWatchOptions): { stop(): void } {
  const parent = process.ppid;
  const chain = launcherChain(parent);
  const timer = setInterval(() => {
    let reason: string | undefined;
    if (process.ppid !== parent) reason = `its parent (pid ${parent}) exited`;
    for (const link of chain) {
      if (reason) break;
      const now = procStat(link.pid);
      if (!now || now.state === 'Z' || now.startTime !== link.startTime) reason = `launcher ${link.comm} (pid ${link.pid}) exited`;
    }
    if (!reason) return;
    clearInterval(timer);
    options.onGone(reason);
  }, options.intervalMs ?? 250);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
