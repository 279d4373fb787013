/**
 * The help layout (src/cli/help-layout.ts): the width of a terminal or a pipe, and
 * descriptions reflowed to it — paragraphs joined and wrapped, list items with a hanging indent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { helpWidthOf, PIPE_HELP_WIDTH, reflow } from '../../src/cli/help-layout.ts';

test('help width: the terminal\'s columns (at least 60), 100 in a pipe', () => {
  assert.equal(helpWidthOf({ isTTY: true, columns: 132 }), 132);
  assert.equal(helpWidthOf({ isTTY: true, columns: 40 }), 60);
  assert.equal(helpWidthOf({ isTTY: false, columns: 132 }), PIPE_HELP_WIDTH);
  assert.equal(helpWidthOf({}), 100);
});

test('a paragraph wrapped by hand at 90 columns is joined and wrapped again at 80, with no orphan', () => {
  const text = 'Run scenarios (default: the core ones; --all: the whole catalogue) against an embedded\n' +
    'server, each client dialing through a fresh fault proxy — or, for the process scenarios,\n' +
    'against a fresh `streamlab serve` child.\n' +
    '--html FILE also writes one report; see\n' +
    '--jaeger-url for links.';
  assert.equal(reflow(text, 80), [
    'Run scenarios (default: the core ones; --all: the whole catalogue) against an',
    'embedded server, each client dialing through a fresh fault proxy — or, for the',
    'process scenarios, against a fresh `streamlab serve` child.',
    '--html FILE also writes one report; see --jaeger-url for links.',
  ].join('\n'));
});

test('list items wrap under their text; a continuation line indented to it joins the item', () => {
  const text = 'Modes:\n' +
    '  --mode cancel  Subscribe, call cancel() after --after-messages N events or --delay S seconds\n' +
    '                 (exit 0 when the end cause is client_cancelled)\n' +
    '  name  server_stream  a summary that is long enough to need a second line at this width, surely\n' +
    '\n' +
    'Example:\n' +
    '  streamlab load \\\n' +
    '    --streams 10';
  assert.equal(reflow(text, 60), [
    'Modes:',
    '  --mode cancel  Subscribe, call cancel() after',
    '                 --after-messages N events or --delay S',
    '                 seconds (exit 0 when the end cause is',
    '                 client_cancelled)',
    '  name  server_stream  a summary that is long enough to need',
    '                       a second line at this width, surely',
    '',
    'Example:',
    '  streamlab load \\',
    '    --streams 10',
  ].join('\n'));
  for (const line of reflow(text, 60).split('\n')) assert.ok(line.length <= 60, line);
});

test('lines that fit stay as they are', () => {
  const text = 'Short.\n\n  a  b\n      null | { count }   (ms),';
  assert.equal(reflow(text, 80), 'Short.\n\n  a  b\n      null | { count }   (ms),');
});
