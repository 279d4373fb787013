/**
 * Reading what promtool prints: Prometheus label sets (`labels.Labels.String()`:
 * `{a="1", b="x\"y"}`, values quoted by Go's strconv.Quote) and durations
 * (`model.Duration.String()`: `1h2m15s`).
 */

const SIMPLE_ESCAPES: Record<string, string> = { a: '\u0007', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

/**
 * Reads one Go-quoted string starting at `text[start]` (the opening quote).
 * @returns the value and the index after the closing quote
 * @throws Error at a malformed escape or a missing closing quote
 */
export function readGoQuoted(text: string, start: number): { value: string; end: number } {
  if (text[start] !== '"') throw new Error(`expected '"' at ${start} in ${text}`);
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  let i = start + 1;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '"') return { value: new TextDecoder().decode(new Uint8Array(bytes)), end: i + 1 };
    if (char !== '\\') {
      const codePoint = text.codePointAt(i)!;
      const unit = String.fromCodePoint(codePoint);
      bytes.push(...encoder.encode(unit));
      i += unit.length;
      continue;
    }
    const kind = text[i + 1] ?? '';
    if (kind in SIMPLE_ESCAPES) {
      bytes.push(...encoder.encode(SIMPLE_ESCAPES[kind]!));
      i += 2;
    } else if (kind === 'x') {
      bytes.push(Number.parseInt(text.slice(i + 2, i + 4), 16));
      i += 4;
    } else if (kind === 'u' || kind === 'U') {
      const digits = kind === 'u' ? 4 : 8;
      bytes.push(...encoder.encode(String.fromCodePoint(Number.parseInt(text.slice(i + 2, i + 2 + digits), 16))));
      i += 2 + digits;
    } else {
      throw new Error(`unknown escape \\${kind} at ${i} in ${text}`);
    }
  }
  throw new Error(`unterminated string at ${start} in ${text}`);
}

/**
 * Parses a printed label set.
 * @throws Error naming the text when it is not one
 */
export function parseLabelSet(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) throw new Error(`not a label set: ${text}`);
  let i = 1;
  while (i < trimmed.length && trimmed[i] !== '}') {
    const equals = trimmed.indexOf('=', i);
    if (equals < 0) throw new Error(`not a label set: ${text}`);
    const name = trimmed.slice(i, equals).trim();
    const { value, end } = readGoQuoted(trimmed, equals + 1);
    labels[name] = value;
    i = end;
    if (trimmed.startsWith(', ', i)) i += 2;
  }
  return labels;
}

const UNIT_S: Record<string, number> = { y: 365 * 86_400, w: 7 * 86_400, d: 86_400, h: 3600, m: 60, s: 1, ms: 0.001 };

/**
 * Seconds of a Prometheus duration (`1h2m15s`, `0s`, `500ms`).
 * @throws Error naming the text when it is not one
 */
export function parseDurationS(text: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) throw new Error(`not a duration: "${text}"`);
  return parts.reduce((sum, part) => sum + Number(part[1]) * UNIT_S[part[2]!]!, 0);
}
