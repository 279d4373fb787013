/**
 * GitHub-flavoured Markdown tables for generated pages (docs/reference.md): cli-table3 draws
 * tables for terminals, this writes them for Markdown.
 */

/** `text` made safe for one table cell: `|` escaped, line breaks as spaces. */
export function tableCell(text: string): string {
  return text.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');
}

/**
 * A Markdown table: a header row, the delimiter row, one row per entry of `rows`.
 * @param header the column titles
 * @param rows the cells, each row as long as `header` (text, escaped here)
 * @throws Error naming the row whose length differs from the header's
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const bad = rows.findIndex((row) => row.length !== header.length);
  if (bad >= 0) throw new Error(`markdownTable: row ${bad} has ${rows[bad]!.length} cells, the header ${header.length}`);
  const line = (cells: readonly string[]): string => `| ${cells.map(tableCell).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}
