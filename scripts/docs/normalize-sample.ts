/**
 * What may differ between two runs of a sample without the sample being out of date, erased
 * from both sides before they are compared: trace ids, every number (durations, times,
 * ports, counts that depend on timing, rates, percentiles, byte sizes), the width of table
 * columns and of runs of spaces (both follow the numbers), and where on a timeline's axis each
 * marker falls. What is left — the lines, their words, the columns of every table, the
 * markers each timeline row shows — must match: a changed column, line or wording fails.
 */

/** A timeline row of `streamlab run`: `  client o  ·  ·   E` (markers only, after the side). */
const TIMELINE_ROW = /^(\s*)(client|server)(\s+)([o·bXrgckxE]|\s)+$/u;

/**
 * `text` with everything that varies between runs replaced: 32-hex trace ids by `<trace-id>`,
 * numbers by `#`, box-drawing rules and runs of blanks by one, timeline rows by their markers
 * in order without repeats (`client o·E`); trailing blanks and blank lines at the ends dropped.
 */
export function normalizeSample(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => {
      const row = TIMELINE_ROW.exec(line);
      if (row && /[o·E]/u.test(line.slice((row[1] as string).length + 6))) {
        const markers = line.slice((row[1] as string).length + (row[2] as string).length).replace(/\s+/g, '').replace(/(.)\1+/gu, '$1');
        return `${row[2]} ${markers}`;
      }
      return line
        .replace(/\b[0-9a-f]{32}\b/g, '<trace-id>')
        .replace(/\d+(?:[.,]\d+)*/g, '#')
        .replace(/─+/g, '─')
        .replace(/[ \t]+/g, ' ')
        .trim();
    })
    .join('\n')
    .trim();
}
