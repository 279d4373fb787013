/**
 * Parsers of `streamlab alerts test`'s values: a stream rate (`600/min`), a share (`5%`),
 * the scenario list (`all` or `a,b`). Bad values become commander usage errors (exit 2)
 * that name the value and what is allowed.
 */
import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../load/duration.ts';

const PER_MINUTE: Record<string, number> = { s: 60, sec: 60, min: 1, m: 1, h: 1 / 60 };

/**
 * `N/min`, `N/s` or `N/h` (N > 0, decimals allowed) as streams per minute.
 * @throws InvalidArgumentError naming the value
 */
export function parseRate(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(s|sec|min|m|h)\s*$/.exec(value);
  const perMin = match ? Number(match[1]) * PER_MINUTE[match[2]!]! : Number.NaN;
  if (!(perMin > 0) || perMin > 6_000_000) throw new InvalidArgumentError(`expected streams per time such as 600/min, 10/s or 3000/h (above 0, at most 100000/s), got "${value}"`);
  return perMin;
}

/**
 * `5%` or `0.05` as a share above 0 and at most 1.
 * @throws InvalidArgumentError naming the value
 */
export function parseShare(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(value);
  const share = match ? Number(match[1]) / (match[2] ? 100 : 1) : Number.NaN;
  if (!(share > 0) || share > 1) throw new InvalidArgumentError(`expected a share such as 5% or 0.05 (above 0, at most 100%), got "${value}"`);
  return share;
}

/**
 * A duration such as `10m` or `90s`, in whole seconds.
 * @throws InvalidArgumentError naming the value
 */
export function parseSeconds(value: string): number {
  try {
    return Math.round(parseDuration(value, 1000) / 1000);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** `all`, or a comma-separated list of names (checked against the catalogue later, with the whole list in the error). */
export function parseScenarioList(value: string): string[] | 'all' {
  if (value.trim() === 'all') return 'all';
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError(`expected "all" or scenario names separated by commas, got "${value}"`);
  return names;
}
