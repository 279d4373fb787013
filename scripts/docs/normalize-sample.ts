/**
 * What may differ between two runs of a sample without the sample being out of date, erased
 * from both sides before they are compared: trace ids, every number (durations, times,
 * ports, counts that depend on timing, rates, percentiles, byte sizes), the width of table
 * columns and of runs of spaces (both follow the numbers), and what a timeline row of `streamlab
 * run` draws (where each marker falls follows the timing, and two events in one column show
 * only the higher-ranked marker, so a close 1 ms after the end shows or not; the key-event
 * lines under the rows name every event, and they are compared). What is left — the lines,
 * their words, the columns of every table, a row per side — must match: a changed column,
 * line or wording fails.
 */

/** A timeline row of `streamlab run`: `  client o  ·  ·   E` (markers only, after the side). */
const TIMELINE_ROW = /^\s*(client|server) +[o·bXrgckxE][o·bXrgckxE ]*$/u;

/**
 * `text` with everything that varies between runs replaced: 32-hex trace ids by `<trace-id>`,
 * numbers by `#`, box-drawing rules and runs of blanks by one, timeline rows by
 * `client <timeline>`; trailing blanks and blank lines at the ends dropped.
 */
export function normalizeSample(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => {
      const row = TIMELINE_ROW.exec(line);
      if (row) return `${row[1]} <timeline>`;
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
