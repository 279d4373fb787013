/**
 * How `--help` is laid out: as wide as the terminal, or 100 columns in a pipe, with each
 * command's description reflowed to that width. The descriptions are written as prose
 * wrapped by hand and as indented lists ("  --mode simple  Subscribe and read…"); commander
 * keeps every line break and wraps each line again, which leaves a word or two alone on a
 * line whenever a hand-wrapped line is longer than the help is wide. Reflowing first joins
 * the lines of a paragraph or of a list item and wraps them once, lists with a hanging indent.
 */
import type { Command } from 'commander';

/** Help width when stdout is not a terminal (a pipe, a file, a pager): wide enough for the lists. */
export const PIPE_HELP_WIDTH = 100;

/** Narrowest help, even on a narrower terminal. */
const MIN_HELP_WIDTH = 60;

/** The help width for `stdout`: its columns on a terminal, else {@link PIPE_HELP_WIDTH}. */
export function helpWidthOf(stdout: { isTTY?: boolean; columns?: number }): number {
  return stdout.isTTY ? Math.max(MIN_HELP_WIDTH, stdout.columns ?? 80) : PIPE_HELP_WIDTH;
}

/** A paragraph or list item of a description: the text of its first line's prefix, and where its other lines start. */
interface Block {
  /** What comes before the text on its first line (indent, and a list item's term with its gap). */
  prefix: string;
  /** Column the text of the following lines starts at. */
  hang: number;
  /** Indent of its first line. */
  lead: number;
  text: string;
}

/** A list item: indent, a term (columns of words: `  name  rpc`), its last gap of two spaces or more, the text. */
const LIST_ITEM = /^(\s+\S(?:.*\S)?\s{2,})(\S.*)$/;

/** Splits `text` into paragraphs, list items and blank lines (null). */
function blocksOf(text: string): Array<Block | null> {
  const blocks: Array<Block | null> = [];
  for (const line of text.split('\n')) {
    const previous = blocks.at(-1);
    if (line.trim() === '') {
      blocks.push(null);
      continue;
    }
    const lead = line.length - line.trimStart().length;
    if (lead === 0) {
      // Prose goes on in the same paragraph, unless a sentence starts with a flag (`--html FILE …`).
      const flagFirst = line.startsWith('--') && /[.:]$/.test(previous?.text ?? '');
      if (previous && previous.lead === 0 && !flagFirst) previous.text += ` ${line.trim()}`;
      else blocks.push({ prefix: '', hang: 0, lead: 0, text: line.trim() });
      continue;
    }
    // A line indented to a list item's text goes on with that item.
    if (previous && previous.hang > previous.lead && lead === previous.hang) {
      previous.text += ` ${line.trim()}`;
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) blocks.push({ prefix: item[1]!, hang: item[1]!.length, lead, text: item[2]! });
    else blocks.push({ prefix: ' '.repeat(lead), hang: lead, lead, text: line.trim() });
  }
  return blocks;
}

/** `block` wrapped at `width`: words never split; a list item's lines after the first start at its hang. */
function wrapBlock(block: Block, width: number): string[] {
  if (block.prefix.length + block.text.length <= width) return [block.prefix + block.text];
  // A term too wide to hang under leaves too little room: indent the rest a little instead.
  const hang = width - block.hang >= 30 ? block.hang : block.lead + 4;
  const lines: string[] = [];
  let line = block.prefix;
  let empty = true;
  for (const word of block.text.split(/\s+/)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = ' '.repeat(hang) + word;
      continue;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/**
 * `text` reflowed to `width` columns: the lines of a paragraph (lines that start at column 0;
 * a sentence starting with `--` starts a new one) are joined and wrapped; an indented list item
 * ("  term  text", its text possibly continued on lines indented to where it starts) is joined
 * and wrapped with its lines after the first indented to its text. Blank lines, and lines
 * that fit, stay as they are.
 * @param width columns, e.g. {@link helpWidthOf}
 */
export function reflow(text: string, width: number): string {
  return blocksOf(text).flatMap((block) => (block === null ? [''] : wrapBlock(block, width))).join('\n');
}

/**
 * Lays out the help of `program` and of every command created from it afterwards (commander
 * copies the help configuration to subcommands it creates: call this before adding them).
 */
export function configureHelpLayout(program: Command, stdout: { isTTY?: boolean; columns?: number }): Command {
  const helpWidth = helpWidthOf(stdout);
  return program.configureHelp({ helpWidth, commandDescription: (command) => reflow(command.description(), helpWidth) });
}
