/**
 * Reads one service's `command` and `environment` out of docker-compose.yml, so the stack
 * test runs an app natively with the very flags compose gives it, overriding only hosts and
 * ports. A deliberately small reader of the shape docker-compose.yml keeps (services at two
 * spaces, `command` as a JSON-style flow sequence on one line, `environment` as a block map);
 * it throws, naming what it expected, when the file moves away from that shape.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the stack test takes from a compose service. */
export interface ComposeService {
  /** Its `command`, e.g. ["node", "--import", "./src/instrumentation.ts", "src/main.ts", "fleet", ...]. */
  command: string[];
  /** Its `environment` block's own entries (merged anchors such as `<<: *streamlab-otel` left out). */
  environment: Record<string, string>;
}

/**
 * The service `name` of `<root>/docker-compose.yml`.
 * @throws Error when the service, its one-line `command` or its `environment` is not found
 */
export function composeService(root: string, name: string): ComposeService {
  const lines = readFileSync(join(root, 'docker-compose.yml'), 'utf8').split('\n');
  const start = lines.indexOf(`  ${name}:`);
  if (start < 0) throw new Error(`docker-compose.yml has no service "${name}" (a line "  ${name}:")`);
  const end = lines.findIndex((line, index) => index > start && /^ {0,2}\S/.test(line) && !/^ {2}#/.test(line));
  const block = lines.slice(start + 1, end < 0 ? lines.length : end);
  const commandLine = block.find((line) => line.startsWith('    command: ['));
  if (!commandLine) throw new Error(`docker-compose.yml service "${name}": no one-line "command: [...]"`);
  const command = JSON.parse(commandLine.slice('    command: '.length)) as unknown;
  if (!Array.isArray(command) || !command.every((part) => typeof part === 'string')) throw new Error(`docker-compose.yml service "${name}": command is not a list of strings`);
  const envStart = block.indexOf('    environment:');
  const environment: Record<string, string> = {};
  for (const line of envStart < 0 ? [] : block.slice(envStart + 1)) {
    if (/^ {6}#/.test(line)) continue;
    const entry = /^ {6}([A-Za-z_][A-Za-z0-9_]*): *(.*)$/.exec(line);
    if (!entry) {
      if (/^ {6}<</.test(line)) continue;
      break;
    }
    environment[entry[1] as string] = (entry[2] as string).replace(/^"(.*)"$/, '$1');
  }
  return { command: command as string[], environment };
}

/**
 * `argv` with each `--flag value` of `options` set: an existing flag's value replaced,
 * a missing flag appended.
 */
export function withOptions(argv: readonly string[], options: Record<string, string>): string[] {
  const result = [...argv];
  for (const [flag, value] of Object.entries(options)) {
    const at = result.indexOf(flag);
    if (at >= 0 && at + 1 < result.length) result[at + 1] = value;
    else result.push(flag, value);
  }
  return result;
}
