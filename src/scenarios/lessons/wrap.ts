/**
 * Word wrapping for the lesson renderers (terminal and Markdown): greedy, on spaces, never
 * breaking a word or a number from its unit (`2 s`); a word longer than the line stays whole
 * on its own line.
 */

/** How to wrap one paragraph. */
export interface WrapOptions {
  /** Line width in characters, indentation included. */
  width: number;
  /** Put before the first line (e.g. a list marker or a label column). Default ''. */
  first?: string;
  /** Put before every other line. Default: as many spaces as `first` is long. */
  rest?: string;
  /**
   * Markdown: never start a line with a word Markdown would read as a block marker
   * (`-`, `+`, `*`, `>`, `#…`, `1.`, `1)`); such a word stays on the line before.
   */
  markdown?: boolean;
}

const BLOCK_START = /^(?:[-+*>]|#+|\d+[.)])$/;
const NUMBER = /^[(~]?[\d.,]+$/;
const UNIT = /^(?:ms|s|%|B|KiB|MiB)(?:[.,;:)]|$)/;

/** The words of `text`, a number kept together with the unit after it (`2 s`, `10 %`). */
function wordsOf(text: string): string[] {
  const words: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = words.at(-1);
    if (last !== undefined && NUMBER.test(last) && UNIT.test(word)) words[words.length - 1] = `${last}\u00a0${word}`;
    else words.push(word);
  }
  return words;
}

/** `text` wrapped to lines of at most `options.width` characters (longer only for a long word). */
export function wrapLines(text: string, options: WrapOptions): string[] {
  const first = options.first ?? '';
  const rest = options.rest ?? ' '.repeat(first.length);
  const words = wordsOf(text);
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of words) {
    const fits = line.length + (empty ? 0 : 1) + word.length <= options.width;
    const mustStay = options.markdown === true && BLOCK_START.test(word);
    if (empty || fits || mustStay) {
      line += (empty ? '' : ' ') + word;
      empty = false;
      continue;
    }
    lines.push(line);
    line = rest + word;
  }
  lines.push(line);
  return lines.map((wrapped) => wrapped.replaceAll('\u00a0', ' '));
}

/** {@link wrapLines} joined with newlines. */
export function wrap(text: string, options: WrapOptions): string {
  return wrapLines(text, options).join('\n');
}
