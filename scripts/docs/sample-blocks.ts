/**
 * The sample blocks of a Markdown file: the text between `<!-- sample:NAME start -->` and
 * `<!-- sample:NAME end -->`, a fenced `console` block whose first line is the command
 * (`$ npx streamlab …`) and the rest what it printed on stdout.
 */

/** The two markers of sample `name`. */
export function sampleMarkers(name: string): { start: string; end: string } {
  return { start: `<!-- sample:${name} start -->`, end: `<!-- sample:${name} end -->` };
}

/** A sample block's parts. */
export interface SampleBlock {
  /** The command line as shown, without the `$ `. */
  command: string;
  /** What it printed, as recorded. */
  output: string;
}

/** Every sample name with markers in `markdown`, in order. */
export function sampleNames(markdown: string): string[] {
  return [...markdown.matchAll(/<!-- sample:([a-z0-9-]+) start -->/g)].map((match) => match[1] as string);
}

/**
 * The part of `markdown` between the markers of `name`, without them.
 * @throws Error when the markers are missing, repeated or out of order
 */
function between(markdown: string, name: string): { from: number; to: number } {
  const { start, end } = sampleMarkers(name);
  const from = markdown.indexOf(start);
  const to = markdown.indexOf(end);
  if (from < 0 || to < from || markdown.indexOf(start, from + 1) >= 0 || markdown.indexOf(end, to + 1) >= 0) {
    throw new Error(`needs exactly one ${start} followed by one ${end}`);
  }
  return { from: from + start.length, to };
}

/** The block of a sample: a console fence with the command and its output. */
export function renderBlock(block: SampleBlock): string {
  const fence = block.output.includes('```') ? '````' : '```';
  return `\n${fence}console\n$ ${block.command}\n${block.output.replace(/\s+$/, '')}\n${fence}\n`;
}

/**
 * The recorded block of sample `name` in `markdown`, or null when the markers hold nothing yet.
 * @throws Error when the markers are missing or repeated, or what they hold is not a block
 */
export function readBlock(markdown: string, name: string): SampleBlock | null {
  const { from, to } = between(markdown, name);
  const inner = markdown.slice(from, to).trim();
  if (inner === '') return null;
  const match = /^(`{3,})console\n\$ (.*)\n([\s\S]*?)\n?\1$/.exec(inner);
  if (!match) throw new Error(`sample ${name}: the text between its markers is not a console block starting with "$ command"`);
  return { command: match[2] as string, output: match[3] as string };
}

/**
 * `markdown` with the block of sample `name` replaced by `block`.
 * @throws Error when the markers are missing, repeated or out of order
 */
export function withBlock(markdown: string, name: string, block: SampleBlock): string {
  const { from, to } = between(markdown, name);
  return markdown.slice(0, from) + renderBlock(block) + markdown.slice(to);
}
