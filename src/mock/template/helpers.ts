/**
 * The helpers a template can call: `{{uuid}}`, `{{now}}`, `{{randInt a b}}`,
 * `{{randFromArray list}}`, `{{randSentence}}`, `{{randParagraph}}`. The random ones draw from
 * one pure-rand generator, so a fixed seed (`streamlab mock --seed`) makes a run reproducible.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { describeValue as describe } from './describe-value.ts';

/**
 * The six helpers. Each throws TypeError or RangeError on a bad argument (the expression
 * evaluator turns that into a TemplateError naming the expression).
 */
export interface TemplateHelpers {
  /** A v4 UUID, e.g. "1b4e28ba-2fa1-4d2e-883f-0016d3cca427"; from the seeded generator when seeded. */
  uuid(): string;
  /** The current time in RFC 3339, UTC, ms precision: "2026-01-02T03:04:05.678Z". */
  now(): string;
  /** An integer in [min, max], both inclusive. @throws TypeError unless both are safe integers; RangeError if min > max */
  randInt(min: number, max: number): number;
  /** One element of `list`, uniformly. @throws TypeError unless an array; RangeError if empty */
  randFromArray(list: readonly unknown[]): unknown;
  /** 5 to 12 words from a built-in list, capitalized, ending with a period. */
  randSentence(): string;
  /** 3 to 6 sentences joined by spaces. */
  randParagraph(): string;
}

/** How many arguments each helper takes; the compiler checks calls against it. */
export const HELPER_ARITY: Readonly<Record<keyof TemplateHelpers, number>> = Object.freeze({
  uuid: 0,
  now: 0,
  randInt: 2,
  randFromArray: 1,
  randSentence: 0,
  randParagraph: 0,
});

export type HelperName = keyof TemplateHelpers;

/** True for the six helper names (own keys only: "constructor" is not a helper). */
export function isHelperName(name: string): name is HelperName {
  return Object.hasOwn(HELPER_ARITY, name);
}

export interface TemplateHelperOptions {
  /** Seed of the random helpers (a 32-bit integer); without one, a random seed and crypto.randomUUID. */
  seed?: number;
  /** The clock of `now` (default `new Date()`). */
  now?: () => Date;
}

const WORDS = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore ' +
  'magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo ' +
  'consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur excepteur sint ' +
  'occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est laborum stream packet'
).split(' ');

/**
 * Builds the helpers. With the same `seed`, the same sequence of calls gives the same outputs
 * (every random helper draws from one generator, so the order of calls matters).
 * @throws RangeError when `seed` is not a 32-bit integer
 */
export function createTemplateHelpers(options: TemplateHelperOptions = {}): TemplateHelpers {
  const { seed } = options;
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= -0x8000_0000 && seed <= 0xffff_ffff)) {
    throw new RangeError(`seed ${seed} must be a 32-bit integer`);
  }
  const rng = xoroshiro128plus(seed ?? randomInt(0x7fff_ffff));
  const clock = options.now ?? (() => new Date());
  const draw = (from: number, to: number): number => uniformInt(rng, from, to);

  const sentence = (): string => {
    const count = draw(5, 12);
    let text = WORDS[draw(0, WORDS.length - 1)] ?? '';
    text = text.charAt(0).toUpperCase() + text.slice(1);
    for (let i = 1; i < count; i++) text += ' ' + (WORDS[draw(0, WORDS.length - 1)] ?? '');
    return text + '.';
  };

  return {
    uuid: seed === undefined ? () => randomUUID() : () => seededUuid(rng.next(), rng.next(), rng.next(), rng.next()),
    now: () => clock().toISOString(),
    randInt(min, max) {
      if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max)) {
        throw new TypeError(`randInt needs two integers, got ${describe(min)} and ${describe(max)}`);
      }
      if (min > max) throw new RangeError(`randInt needs min <= max, got ${min} and ${max}`);
      return draw(min, max);
    },
    randFromArray(list) {
      if (!Array.isArray(list)) throw new TypeError(`randFromArray needs an array, got ${describe(list)}`);
      if (list.length === 0) throw new RangeError('randFromArray needs a non-empty array, got []');
      return list[draw(0, list.length - 1)];
    },
    randSentence: sentence,
    randParagraph() {
      const count = draw(3, 6);
      let text = sentence();
      for (let i = 1; i < count; i++) text += ' ' + sentence();
      return text;
    },
  };
}

/** A v4 UUID (RFC 9562 version and variant bits) from four 32-bit draws. */
function seededUuid(w0: number, w1: number, w2: number, w3: number): string {
  const a = hex8(w0);
  const b = hex8((w1 & ~0xf000) | 0x4000);
  const c = hex8((w2 & 0x3fff_ffff) | 0x8000_0000);
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${hex8(w3)}`;
}

function hex8(word: number): string {
  return (word >>> 0).toString(16).padStart(8, '0');
}
