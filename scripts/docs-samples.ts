/**
 * `npm run docs:samples [NAME...]`: runs the command of every sample the docs show
 * (scripts/docs/samples.ts), or of the named ones, and rewrites each sample's block — between
 * `<!-- sample:NAME start -->` and `<!-- sample:NAME end -->` — with the command and what it
 * printed. Run it after changing what a command prints: test/docs/samples.test.ts fails while
 * a sample differs from a fresh run (beyond what varies from run to run).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLES } from './docs/samples.ts';
import { ROOT, runSample, shownCommand } from './docs/run-sample.ts';
import { withBlock } from './docs/sample-blocks.ts';

const names = process.argv.slice(2);
const unknown = names.filter((name) => !SAMPLES.some((sample) => sample.name === name));
if (unknown.length > 0) {
  process.stderr.write(`docs-samples: no sample named ${unknown.join(', ')}; the samples are ${SAMPLES.map((sample) => sample.name).join(', ')}\n`);
  process.exit(2);
}
const chosen = SAMPLES.filter((sample) => names.length === 0 || names.includes(sample.name));

try {
  // One at a time: each file is read and written after its own run.
  for (const sample of chosen) {
    process.stderr.write(`${sample.name}: ${shownCommand(sample)}\n`);
    const output = await runSample(sample);
    const path = join(ROOT, sample.file);
    const before = readFileSync(path, 'utf8');
    const after = withBlock(before, sample.name, { command: shownCommand(sample), output });
    if (after !== before) writeFileSync(path, after);
    process.stdout.write(`${sample.file}: sample ${sample.name} ${after === before ? 'unchanged' : 'rewritten'}\n`);
  }
} catch (error) {
  process.stderr.write(`docs-samples: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
