/**
 * Strict integer option parsing for commander: bad values become usage errors that name
 * the value and the allowed range (exit code 2 through main.ts).
 */
import { InvalidArgumentError } from 'commander';

/**
 * Returns a commander argument parser for integers in [min, max].
 * @throws InvalidArgumentError `expected an integer from MIN to MAX, got "VALUE"`
 */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const trimmed = value.trim();
    const parsed = /^-?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}, got "${value}"`);
    }
    return parsed;
  };
}

/** Ports: 0 to 65535 (0 picks a free port). */
export const port = integerIn(0, 65_535);
/** Durations in ms: 1 ms to 24 h. */
export const durationMs = integerIn(1, 86_400_000);
