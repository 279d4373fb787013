/**
 * The page shell: doctype, head (charset, a Content-Security-Policy that forbids every
 * network request, the inlined stylesheet, an empty icon so the browser asks for no
 * favicon), the body, and the inlined scripts at its end.
 */
import { escapeHtml } from './escape.ts';
import { PAGE_STYLE } from './page-style.ts';
import { scriptText } from './inline-scripts.ts';

/**
 * Nothing may be fetched: no `src`/`href` loads, no connections; only the page's own
 * inline styles and scripts run, and images only from `data:` URLs.
 */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** What goes into the shell. */
export interface PageParts {
  /** The document title (plain text). */
  title: string;
  /** The body's HTML, already escaped. */
  body: string;
  /** JavaScript sources to inline at the end of the body, in order. */
  scripts: readonly string[];
}

/** The whole HTML document. */
export function renderPage(parts: PageParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="streamlab run --html">
<title>${escapeHtml(parts.title)}</title>
<link rel="icon" href="data:,">
<style>${PAGE_STYLE}</style>
</head>
<body>
${parts.body}
${parts.scripts.map((source) => `<script>\n${scriptText(source)}\n</script>`).join('\n')}
</body>
</html>
`;
}
