/**
 * Reading the repository's Markdown the way GitHub renders it, for the docs tests: fenced code
 * blocks told apart from prose, inline code spans, links, and heading anchors (GitHub's slugs).
 */

/** One line of a Markdown file with its 1-based number, and whether it is inside a fenced block. */
export interface MarkdownLine {
  number: number;
  text: string;
  /** Inside a ``` or ~~~ fenced code block (the fence lines themselves included). */
  fenced: boolean;
}

/** The lines of `markdown`, each marked fenced or not (CommonMark fences of ``` or ~~~, 3 or more). */
export function markdownLines(markdown: string): MarkdownLine[] {
  let fence: string | null = null;
  return markdown.split('\n').map((text, index) => {
    const opener = /^ {0,3}(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence === null && opener !== undefined) {
      fence = opener;
      return { number: index + 1, text, fenced: true };
    }
    if (fence !== null) {
      if (new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`).test(text)) fence = null;
      return { number: index + 1, text, fenced: true };
    }
    return { number: index + 1, text, fenced: false };
  });
}

/** The contents of every inline code span of `line` (single or double backticks). */
export function codeSpans(line: string): string[] {
  return [...line.matchAll(/(`+)([^`]|[^`].*?[^`])\1(?!`)/g)].map((match) => (match[2] as string).trim());
}

/** The targets of every inline link and image of `line` outside code spans: `[text](target)`, without a title. */
export function linkTargets(line: string): string[] {
  const prose = line.replace(/(`+)([^`]|[^`].*?[^`])\1(?!`)/g, '');
  return [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1] as string);
}

/**
 * GitHub's anchor for a heading's text (as github-slugger makes it): the rendered text
 * (code spans and emphasis marks dropped, link text kept), lower-cased, every character that
 * is not a letter, digit, mark, space, `-` or `_` removed, each space turned into `-`.
 */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .replace(/<[^>]+>/g, '');
  return text.trim().toLowerCase().replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '').replace(/ /g, '-');
}

/** Every heading anchor of `markdown` (ATX headings outside fences; a repeated slug gets -1, -2, …, as on GitHub). */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of markdownLines(markdown)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line.text)?.[1];
    if (line.fenced || heading === undefined) continue;
    const slug = githubSlug(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}
