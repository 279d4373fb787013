/**
 * Writes the HTML report to a file and says how big it is.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ScenarioResult } from '../../scenarios/scenario.ts';
import { renderHtmlReport } from './html-report.ts';
import type { HtmlReportOptions } from './html-report.ts';

/** Where the report went. */
export interface WrittenReport {
  /** Absolute path of the file. */
  path: string;
  /** Its size, bytes (UTF-8). */
  bytes: number;
}

/**
 * Renders the report of `results` and writes it to `file` (replaced if it exists).
 * @throws Error from the file system (no such directory, no permission)
 */
export async function writeHtmlReport(file: string, results: readonly ScenarioResult[], options: HtmlReportOptions = {}): Promise<WrittenReport> {
  const html = renderHtmlReport(results, options);
  const path = resolve(file);
  await writeFile(path, html, 'utf8');
  return { path, bytes: Buffer.byteLength(html, 'utf8') };
}

/** `bytes` for humans: `812 B`, `97.3 kB` (1 kB = 1000 B). */
export function formatBytes(bytes: number): string {
  return bytes < 1000 ? `${bytes} B` : `${(bytes / 1000).toFixed(1)} kB`;
}
