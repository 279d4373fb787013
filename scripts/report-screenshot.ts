/**
 * Regenerates docs/report.png, the README's picture of `streamlab run --html`:
 * runs the core scenarios with --html into a temp dir, opens the report offline in headless
 * Chromium (the system one, see test/helpers/browser.ts) and shoots one representative view:
 * the summary table and the blackhole section (sides, diagram with detection, trace, and the
 * lesson down to what happens on the wire), the other sections hidden for the picture. `npm run report:screenshot`; needs chromium
 * (`bash stack/install-tools.sh chromium`).
 *
 * Options: --out FILE (default docs/report.png), --scenario NAME (default blackhole),
 * --dark (prefers-color-scheme: dark).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium, openOffline, pngStats } from '../test/helpers/browser.ts';

const ROOT = resolve(import.meta.dirname, '..');
/** Past this (CSS pixels) the image is cut at the bottom: the README shows a view, not the whole report. */
const MAX_HEIGHT = 1800;
/**
 * Device pixels per CSS pixel: GitHub shows README images at most about 880 px wide, so the
 * page is rendered a little smaller than 1:1 (crisp, not downscaled) and the file stays small.
 */
const SCALE = 0.8;
const MAX_BYTES = 300 * 1024;

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(ROOT, 'docs/report.png') },
    scenario: { type: 'string', default: 'blackhole' },
    dark: { type: 'boolean', default: false },
  },
});
const out = resolve(values.out);
const scenario = values.scenario;

const dir = mkdtempSync(join(tmpdir(), 'streamlab-report-shot-'));
try {
  const file = join(dir, 'report.html');
  process.stderr.write('running the core scenarios with --html…\n');
  const run = spawnSync(process.execPath, [
    '--import', './src/instrumentation.ts', 'src/main.ts', 'run', '--interval-ms', '20',
    '--html', file, '--jaeger-url', 'http://localhost:16686', '--no-color',
  ], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`streamlab run --html exited ${run.status ?? run.signal}:\n${run.stderr}`);

  const browser = await launchChromium();
  try {
    const { page, requests, errors } = await openOffline(browser, file, { colorScheme: values.dark ? 'dark' : 'light', width: 1100, scale: SCALE });
    if (requests.length > 0 || errors.length > 0) throw new Error(`the report is not clean offline: ${JSON.stringify({ requests, errors })}`);
    if (await page.locator(`section.scenario#scenario-${scenario}`).count() !== 1) throw new Error(`no section for ${scenario} in the report`);
    // One view: everything up to the summary, then the chosen scenario; other sections hidden.
    await page.addStyleTag({ content: `section.scenario:not(#scenario-${scenario}) { display: none !important; }` });
    // Down to the end of the lesson's first part (what happens on the wire), or of the
    // section when it has no such list. The page is never scrolled, so a box's bottom is its
    // distance from the top (CSS pixels).
    const section = page.locator(`section.scenario#scenario-${scenario}`);
    const wire = section.locator('.lesson ol').first();
    const bottom = await (await wire.count() ? wire : section).evaluate((element) => Math.ceil(element.getBoundingClientRect().bottom + 16));
    const width = await page.locator('html').evaluate((html) => html.scrollWidth);
    const png = await page.screenshot({ fullPage: true, clip: { x: 0, y: 0, width, height: Math.min(bottom, MAX_HEIGHT) }, animations: 'disabled' });
    const stats = pngStats(png);
    if (stats.colours < 16 || stats.inkShare < 0.02) throw new Error(`the screenshot looks blank: ${JSON.stringify(stats)}`);
    if (png.length > MAX_BYTES) throw new Error(`the screenshot is ${Math.round(png.length / 1024)} KB, over ${MAX_BYTES / 1024} KB: narrow the view`);
    writeFileSync(out, png);
    process.stderr.write(`${relative(process.cwd(), out)}: ${stats.width}×${stats.height}, ${Math.round(statSync(out).size / 1024)} KB\n`);
  } finally {
    await browser.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
