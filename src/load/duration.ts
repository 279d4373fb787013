/**
 * Durations written for humans (`load --duration 5s`, `--grace 500ms`), parsed with `ms`
 * (anchored: `500ms`, `5s`, `1.5m`, `1h`, `2 days`; nothing else in the string). A unit is
 * required, so `60` is not silently 60 ms.
 */
import ms from 'ms';

/** Durations accepted: up to 24 h. */
export const MAX_DURATION_MS = 86_400_000;

/**
 * Parses a duration to whole ms, between `minMs` and 24 h.
 * @throws Error `expected a duration such as 500ms, 5s or 1m, got "X"` (or naming the range)
 */
export function parseDuration(text: string, minMs = 1): number {
  const trimmed = text.trim();
  // ms throws on '' and answers undefined for anything it cannot read; a bare number would be ms.
  const parsed = trimmed === '' || /^[\d.]+$/.test(trimmed) ? undefined : ms(trimmed as ms.StringValue);
  if (parsed === undefined || !Number.isFinite(parsed)) throw new Error(`expected a duration such as 500ms, 5s or 1m, got "${text}"`);
  const rounded = Math.round(parsed);
  if (rounded < minMs || rounded > MAX_DURATION_MS) throw new Error(`expected a duration from ${ms(minMs)} to 24h, got "${text}"`);
  return rounded;
}
