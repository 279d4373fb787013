/**
 * `npm run docs:reference`: writes docs/reference.md from the code (src/docs/reference-markdown.ts),
 * the CLI part by running every command's `--help`. Run it after changing a command, a
 * variable, a telemetry name or an end cause: test/docs/reference.test.ts fails while the file
 * differs. `--check` writes nothing and exits 1 when the file is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { captureCliHelp } from '../src/docs/cli-help.ts';
import { referenceMarkdown } from '../src/docs/reference-markdown.ts';

const REFERENCE = fileURLToPath(new URL('../docs/reference.md', import.meta.url));

/** The file's text, or '' when it does not exist yet. */
function current(): string {
  try {
    return readFileSync(REFERENCE, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

try {
  const generated = referenceMarkdown({ cli: await captureCliHelp() });
  const upToDate = current() === generated;
  if (process.argv.includes('--check')) {
    process.stdout.write(upToDate ? 'docs/reference.md is up to date\n' : 'docs/reference.md is out of date: run npm run docs:reference\n');
    process.exitCode = upToDate ? 0 : 1;
  } else {
    if (!upToDate) writeFileSync(REFERENCE, generated);
    process.stdout.write(`docs/reference.md: ${upToDate ? 'was up to date' : 'rewritten'}\n`);
  }
} catch (error) {
  process.stderr.write(`docs-reference: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
