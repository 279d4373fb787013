/**
 * promtool's expanding notation for input series values (Prometheus docs, "Unit testing
 * for rules", `<series>`): `a+bxn` is the n+1 values a, a+b, …, a+n·b; `a-bxn` counts down;
 * `axn` repeats a n+1 times; `_` is a missing sample and `_xn` n of them.
 */

/** A value as promtool reads it: plain decimal (no exponent, which the expanding notation would misread), at most 9 decimals. */
export function formatValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const fixed = value.toFixed(9).replace(/0+$/, '').replace(/\.$/, '');
  return fixed === '-0' ? '0' : fixed;
}

/** Whether two values are equal once formatted. */
const same = (a: number, b: number) => formatValue(a) === formatValue(b);

/**
 * `values` (one per sample, undefined = missing) in expanding notation, runs of a constant
 * step written as one term.
 * @example expandingNotation([undefined, undefined, 0, 2, 4, 6]) === '_x2 0+2x3'
 */
export function expandingNotation(values: readonly (number | undefined)[]): string {
  const terms: string[] = [];
  let i = 0;
  while (i < values.length) {
    const first = values[i];
    if (first === undefined) {
      let j = i;
      while (j + 1 < values.length && values[j + 1] === undefined) j++;
      terms.push(j === i ? '_' : `_x${j - i + 1}`);
      i = j + 1;
      continue;
    }
    const next = values[i + 1];
    if (next === undefined) {
      terms.push(formatValue(first));
      i++;
      continue;
    }
    const step = next - first;
    let j = i + 1;
    while (j + 1 < values.length && values[j + 1] !== undefined && same((values[j + 1] as number) - (values[j] as number), step) && same(first + (j + 1 - i) * step, values[j + 1] as number)) j++;
    if (j - i < 2 && !same(step, 0)) {
      terms.push(formatValue(first));
      i++;
      continue;
    }
    const stepText = same(step, 0) ? '' : step > 0 ? `+${formatValue(step)}` : `-${formatValue(-step)}`;
    terms.push(`${formatValue(first)}${stepText}x${j - i}`);
    i = j + 1;
  }
  return terms.join(' ');
}
