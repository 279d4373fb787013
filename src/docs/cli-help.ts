/**
 * The `--help` of every `streamlab` command, captured by running the real CLI (src/main.ts)
 * as child processes: `streamlab --help` lists the commands, each command's help lists its
 * subcommands, so a new command appears without a change here. Hidden commands stay hidden.
 *
 * The children get an empty environment and pipes for stdin, stdout and stderr, so the text
 * does not depend on who runs it: no `STREAMLAB_*` variable changes a default, and commander
 * wraps at its default 80 columns (it reads the width of a terminal only).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** One command's help. */
export interface CommandHelp {
  /** The words after `streamlab`: [] for the program, ['alerts', 'test'] for a subcommand. */
  path: readonly string[];
  /** What `streamlab ...path --help` printed, trailing whitespace trimmed. */
  help: string;
}

/** The repository root (src/docs/ is two levels down). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Commands whose help is commander's own, not worth a section. */
const SKIPPED = new Set(['help']);

/** How many helps are captured at once. */
const PARALLEL = 4;

/**
 * Runs `streamlab ...path --help` from the repository root.
 * @throws Error naming the command, its exit code and its stderr when it does not exit 0
 */
function helpOf(path: readonly string[]): Promise<string> {
  const args = ['--import', './src/instrumentation.ts', 'src/main.ts', ...path, '--help'];
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, args, { cwd: ROOT, env: {}, timeout: 60_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`streamlab ${[...path, '--help'].join(' ')} failed (${error.code ?? error.signal ?? error.message}): ${stderr.trim()}`));
      else resolve(stdout.trimEnd());
    });
    child.stdin?.end();
  });
}

/**
 * The subcommands a help text lists: the first word of each entry of its `Commands:`
 * section (commander's layout: two spaces, the name, its arguments, the summary; continuation
 * lines are indented further).
 */
export function subcommandsOf(help: string): string[] {
  const lines = help.split('\n');
  const start = lines.indexOf('Commands:');
  if (start < 0) return [];
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    const match = /^ {2}([a-z][\w-]*)/.exec(line);
    if (match && !SKIPPED.has(match[1]!)) names.push(match[1]!);
  }
  return names;
}

/**
 * Every command's help, the program's first, then each command followed by its subcommands,
 * in the order the helps list them.
 * @throws Error when a command's `--help` fails (see {@link helpOf})
 */
export async function captureCliHelp(): Promise<CommandHelp[]> {
  const top = await helpOf([]);
  const commands = subcommandsOf(top).map((name) => [name]);
  const helps = await inBatches(commands, helpOf);
  const result: CommandHelp[] = [{ path: [], help: top }];
  for (const [index, path] of commands.entries()) {
    const help = helps[index]!;
    result.push({ path, help });
    const subpaths = subcommandsOf(help).map((name) => [...path, name]);
    const subhelps = await inBatches(subpaths, helpOf);
    subpaths.forEach((subpath, subindex) => result.push({ path: subpath, help: subhelps[subindex]! }));
  }
  return result;
}

/** `work` over `items`, {@link PARALLEL} at a time, results in the order of `items`. */
async function inBatches<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += PARALLEL) {
    results.push(...(await Promise.all(items.slice(start, start + PARALLEL).map(work))));
  }
  return results;
}
