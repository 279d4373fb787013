/**
 * Escaping for the HTML report: every text that reaches the page (scenario names, status
 * details, lesson sentences) goes through one of these, and data for the browser goes
 * into a JSON island that cannot end its own <script>.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` safe as HTML element content and as a double- or single-quoted attribute value. */
export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/**
 * `value` as JSON safe inside `<script type="application/json">`: every `<` becomes
 * `\u003c` (so no `</script>` or `<!--` can occur), and U+2028/U+2029 are escaped too.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A fragment id from a scenario name (and RPC kind for matrix runs): letters, digits, `-` and `_` kept, anything else `-`. */
export function fragmentId(...parts: string[]): string {
  return parts.join('-').replace(/[^A-Za-z0-9_-]/g, '-');
}

/**
 * `text` escaped, with `backtick spans` turned into <code> (the lesson data's only markup).
 */
export function inlineCode(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}
