/**
 * "Did you mean …?" for a name the user mistyped (a scenario, a command): the closest known
 * name by edit distance (Levenshtein, fastest-levenshtein), when it is close enough to be
 * what they meant rather than a random neighbour.
 */
import { closest, distance } from 'fastest-levenshtein';

/**
 * The candidate `word` was most likely meant to be: among those that start with `word` (3
 * characters or more: `server-sus` for `server-suspend`), the closest by edit distance; else
 * the closest of all when at most a third of `word`'s characters (at least one) differ.
 * @returns the candidate, or undefined when none is close (`nosuch`) or `candidates` is empty
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0 || word.length === 0) return undefined;
  const prefixed = word.length >= 3 ? candidates.filter((candidate) => candidate.startsWith(word)) : [];
  if (prefixed.length > 0) return closest(word, prefixed);
  const best = closest(word, [...candidates]);
  return distance(word, best) <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}
