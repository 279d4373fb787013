/**
 * What tests need to know about processes (Linux /proc): a process's state, its children,
 * and whether it is gone — to prove that no child server outlives its runner.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/** The fields of /proc/<pid>/stat after the parenthesised command: state, ppid, ... */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The state letter of `pid` (R, S, T stopped, Z zombie), or undefined when it is gone. */
export function stateOf(pid: number): string | undefined {
  return statFields(pid)?.[0];
}

/** True while `pid` runs (neither gone nor a zombie). */
export function running(pid: number): boolean {
  const state = stateOf(pid);
  return state !== undefined && state !== 'Z';
}

/** Pids of the running children of `pid`. */
export function childrenOf(pid: number): number[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).flatMap((entry) => {
    const [state, ppid] = statFields(entry) ?? [];
    return Number(ppid) === pid && state !== 'Z' ? [Number(entry)] : [];
  });
}

/**
 * Polls every 20 ms until `check` holds, at most `boundMs` (default 5,000).
 * @returns whether it held
 */
export async function pollProcesses(check: () => boolean, boundMs = 5_000): Promise<boolean> {
  for (const until = Date.now() + boundMs; !check() && Date.now() < until;) await delay(20);
  return check();
}
