/**
 * The docs point at what exists: in README.md, CONTRIBUTING.md and docs/*.md, every repository
 * path cited — in a code span or in prose: `src/…`, `test/…`, `docs/…`, `scripts/…`, `stack/…`,
 * `deploy/…`, `bench/…`, `grafana/…`, `prometheus/…`, `proto/…`, `examples/…`, `otel/…`, with a
 * file extension or a trailing slash, from the repository root — exists, a glob matches at
 * least one file, and every relative Markdown link resolves to a file — and, for an `#anchor`
 * into one of our Markdown files, to a heading of it (GitHub's anchors). Fenced code blocks are
 * left alone: they hold commands and output, not references.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, globSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from '../helpers/cli.ts';
import { codeSpans, headingAnchors, linkTargets, markdownLines } from '../helpers/markdown.ts';

/** The Markdown files checked, relative to the repository root. */
const FILES = ['README.md', 'CONTRIBUTING.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)];

/** Top-level folders whose paths the docs cite. */
const PATH = /(?:^|[\s(=,'"])((?:src|test|docs|scripts|stack|deploy|bench|grafana|prometheus|proto|examples|otel)\/[^\s`'"(),;]*)/g;

/** The repository paths cited in `text` (a line or a code span): a file extension or a trailing slash, trailing punctuation dropped. */
function pathsIn(text: string): string[] {
  return [...text.matchAll(PATH)]
    .map((match) => (match[1] as string).replace(/[.:]+$/, ''))
    .filter((path) => path.endsWith('/') || /\.[A-Za-z0-9]+$/.test(path));
}

/**
 * Why `path` (from the root) does not exist, or null when it does. A glob must match a file; a
 * path with a placeholder in capitals (`NNN-name.ts`, `NAME.yml`) needs its folder to exist.
 */
function missing(path: string): string | null {
  if (path.includes('*')) return globSync(path, { cwd: ROOT }).length > 0 ? null : 'matches no file';
  const placeholder = path.split('/').findIndex((segment) => /(?:^|[^A-Za-z])[A-Z]{3,}(?:[^A-Za-z]|$)/.test(segment));
  if (placeholder >= 0) {
    const folder = path.split('/').slice(0, placeholder).join('/');
    return existsSync(join(ROOT, folder)) && statSync(join(ROOT, folder)).isDirectory() ? null : `folder ${folder}/ does not exist`;
  }
  return existsSync(join(ROOT, path)) ? null : 'does not exist';
}

const anchorCache = new Map<string, Set<string>>();
/** The heading anchors of the Markdown file at `full`. */
function anchorsOf(full: string): Set<string> {
  let anchors = anchorCache.get(full);
  if (!anchors) {
    anchors = headingAnchors(readFileSync(full, 'utf8'));
    anchorCache.set(full, anchors);
  }
  return anchors;
}

/** Why the link `target` written in `file` does not resolve, or null when it does (or is not ours to check). */
function brokenLink(file: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null;
  const [pathPart = '', anchor] = target.split('#', 2) as [string, string | undefined];
  const full = pathPart === '' ? join(ROOT, file) : resolve(join(ROOT, dirname(file)), decodeURIComponent(pathPart));
  if (!full.startsWith(ROOT)) return `${target} points outside the repository`;
  if (!existsSync(full)) return `${target}: ${relative(ROOT, full)} does not exist`;
  if (anchor !== undefined && full.endsWith('.md') && !anchorsOf(full).has(anchor)) {
    return `${target}: ${relative(ROOT, full)} has no heading #${anchor}`;
  }
  return null;
}

for (const file of FILES) {
  test(`${file}: every repository path and relative link it cites exists`, () => {
    const problems: string[] = [];
    for (const line of markdownLines(readFileSync(join(ROOT, file), 'utf8'))) {
      if (line.fenced) continue;
      const paths = new Set([...codeSpans(line.text).flatMap(pathsIn), ...pathsIn(line.text.replace(/`/g, ' '))]);
      for (const path of paths) {
        const why = missing(path);
        if (why) problems.push(`${file}:${line.number}: \`${path}\` ${why}`);
      }
      for (const target of linkTargets(line.text)) {
        const why = brokenLink(file, target);
        if (why) problems.push(`${file}:${line.number}: link ${why}`);
      }
    }
    assert.deepEqual(problems, [], `${file} cites what does not exist:\n${problems.join('\n')}`);
  });
}

test('the path and link checks find what is missing', () => {
  assert.deepEqual(pathsIn('see src/core/end-cause.ts, then `bash stack/install-tools.sh grpcurl`'), ['src/core/end-cause.ts', 'stack/install-tools.sh']);
  assert.deepEqual(pathsIn('src/server/ and src/server (no slash) and test/x.test.ts:'), ['src/server/', 'test/x.test.ts']);
  assert.equal(missing('src/core/end-cause.ts'), null);
  assert.equal(missing('src/rpc/server/observe-server-call.ts'), 'does not exist');
  assert.equal(missing('src/core/'), null);
  assert.equal(missing('src/core/end-cause.ts/'), 'does not exist');
  assert.equal(missing('grafana/dashboards/*.json'), null);
  assert.equal(missing('src/scenarios/bus-*.ts'), null);
  assert.equal(missing('src/scenarios/no-such-*.ts'), 'matches no file');
  assert.equal(missing('src/scenarios/catalogue/NNN-name.ts'), null);
  assert.equal(missing('src/no-such-folder/NNN-name.ts'), 'folder src/no-such-folder/ does not exist');
  assert.equal(brokenLink('README.md', 'docs/design.md#2-end-causes'), null);
  assert.match(brokenLink('README.md', 'docs/design.md#no-such-heading') ?? '', /has no heading #no-such-heading/);
  assert.match(brokenLink('docs/design.md', 'no-such-page.md') ?? '', /docs\/no-such-page.md does not exist/);
  assert.match(brokenLink('README.md', '../outside/notes.md') ?? '', /outside the repository/);
  assert.equal(brokenLink('docs/alerts.md', '../CONTRIBUTING.md#add-an-end-cause'), null);
  assert.equal(brokenLink('README.md', 'https://example.com/x.md#nothing'), null);
});
