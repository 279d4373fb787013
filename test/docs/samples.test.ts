/**
 * Samples that cannot drift: every sample output the docs show (scripts/docs/samples.ts) is
 * what its command prints today. Each command runs for real — with a `streamlab serve` of its
 * own on free ports where it needs one — and its stdout is compared with the recorded block after
 * both are normalized (scripts/docs/normalize-sample.ts: trace ids, numbers, column widths,
 * where timeline markers fall); the command line shown must be the declared one exactly.
 * Every sample block in the docs is declared, and every declared one has its block.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLES } from '../../scripts/docs/samples.ts';
import { ROOT, runSample, shownCommand } from '../../scripts/docs/run-sample.ts';
import { normalizeSample } from '../../scripts/docs/normalize-sample.ts';
import { readBlock, renderBlock, sampleNames, withBlock } from '../../scripts/docs/sample-blocks.ts';

const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');
const DOCS = ['README.md', 'CONTRIBUTING.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

test('every sample block in the docs is declared in scripts/docs/samples.ts, once, in the file it names', () => {
  const found = DOCS.flatMap((file) => sampleNames(read(file)).map((name) => `${file}: ${name}`)).sort();
  const declared = SAMPLES.map((sample) => `${sample.file}: ${sample.name}`).sort();
  assert.deepEqual(found, declared);
  assert.equal(new Set(SAMPLES.map((sample) => sample.name)).size, SAMPLES.length, 'sample names are unique');
});

// The samples run side by side (each with its own server where it needs one): they mostly wait.
describe('the samples of the docs', { concurrency: true }, () => {
  for (const sample of SAMPLES) {
    test(`${sample.file}: sample ${sample.name} is what \`${shownCommand(sample)}\` prints today`, async () => {
      const recorded = readBlock(read(sample.file), sample.name);
      assert.ok(recorded, `${sample.file} has no recorded sample ${sample.name}: run npm run docs:samples`);
      assert.equal(recorded.command, shownCommand(sample), `${sample.file}: sample ${sample.name} shows another command: run npm run docs:samples ${sample.name}`);
      const fresh = await runSample(sample);
      assert.equal(normalizeSample(recorded.output), normalizeSample(fresh), `${sample.file}: sample ${sample.name} is out of date: run npm run docs:samples ${sample.name}`);
    });
  }
});

test('docs/alerts.md shows the draft rule file it runs as the file is', () => {
  const draft = 'examples/alerts/silent-streams-draft.rules.yml';
  const shown = /\*\*The first draft\*\*[^\n]*\n[^\n]*\n\n```yaml\n([\s\S]*?)```/.exec(read('docs/alerts.md'))?.[1];
  assert.equal(shown, read(draft), `docs/alerts.md: the yaml under "The first draft" must be ${draft} as it is`);
});

test('normalizing keeps what a sample teaches and erases what varies from run to run', () => {
  const table = (widths: number[], cells: string[]) => `│ ${cells.map((cell, index) => cell.padEnd(widths[index] as number)).join(' │ ')} │`;
  // Numbers, trace ids and column widths vary; the same line with other numbers is the same.
  assert.equal(
    normalizeSample(table([10, 14], ['cancel', 'client 0.2']) + ' 393cacbe4ddf75d9fa985f1c8b6c8878'),
    normalizeSample(table([10, 16], ['cancel', 'client 1796.9']) + ' 0d3dc45f0e751a1dc0f3b387e754d853'),
  );
  // What a timeline row draws follows the timing (the key-event lines under it are compared);
  // that there is a row per side does not vary.
  assert.equal(normalizeSample('  client o   ·            ·      E'), normalizeSample('  client o·      ·  ·             Ec'));
  assert.notEqual(normalizeSample('  client o  ·  E\n  server o  ·  E'), normalizeSample('  client o  ·  E'));
  assert.notEqual(normalizeSample('  client: open +0.6, end completed +437.9 ms'), normalizeSample('  client: open +0.6, cancel +209.5, end completed +437.9 ms'));
  // A new column, a new line or other words fail.
  assert.notEqual(normalizeSample(table([10, 14], ['cancel', 'client 0.2'])), normalizeSample(table([10, 4, 14], ['cancel', 'rpc', 'client 0.2'])));
  assert.notEqual(normalizeSample('messages sent 80 (26.63/s) messages received 370 (123.17/s)'), normalizeSample('messages sent 80 (26.63/s)\nmessages received 370 (123.17/s)'));
  assert.notEqual(normalizeSample('client: completed/OK 70'), normalizeSample('client end causes: completed OK 70'));
});

test('a sample block is read back as written, and refused when its markers are missing or doubled', () => {
  const markdown = 'before\n<!-- sample:x start -->\n<!-- sample:x end -->\nafter\n';
  assert.equal(readBlock(markdown, 'x'), null);
  const block = { command: 'npx streamlab scenarios', output: 'line 1\n```\nline 3' };
  const written = withBlock(markdown, 'x', block);
  assert.ok(written.includes(renderBlock(block)) && written.startsWith('before\n') && written.endsWith('after\n'));
  assert.deepEqual(readBlock(written, 'x'), block);
  assert.deepEqual(readBlock(withBlock(written, 'x', { command: 'c', output: 'o' }), 'x'), { command: 'c', output: 'o' });
  assert.throws(() => readBlock('no markers', 'x'), /needs exactly one <!-- sample:x start -->/);
  assert.throws(() => readBlock(markdown + markdown, 'x'), /needs exactly one/);
  assert.throws(() => readBlock('<!-- sample:x start -->\nprose\n<!-- sample:x end -->', 'x'), /not a console block/);
});
