/**
 * `streamlab run --html`: the whole report of one run as one self-contained HTML document
 * — header, summary table, one section per scenario, and the inlined scripts (d3 and the
 * diagram view) that draw the sequence diagrams when the file is opened. No network.
 *
 * Size, measured: the core run (4 scenarios) about 130 kB, `--all` (16) about 200 kB,
 * 40 and 52 kB gzipped — small enough to mail. Fixed: 90 kB of d3 (the minified UMD
 * modules, see inline-scripts.ts) and about 15 kB of view script and style; per scenario:
 * its lesson (2–3 kB), its diagram data (about 1–2 kB: message ticks are capped at the
 * recorder's 100 a side) and about 1.5 kB of section text.
 */
import type { ScenarioResult } from '../../scenarios/scenario.ts';
import { escapeHtml } from './escape.ts';
import { d3Source, diagramViewSource } from './inline-scripts.ts';
import { renderPage } from './page.ts';
import { renderScenarioSection } from './scenario-section.ts';
import { renderSummaryTable } from './summary-table.ts';

/** Options of the report. */
export interface HtmlReportOptions {
  /** Jaeger UI base URL; each trace id then links to `URL/trace/ID`. */
  jaegerUrl?: string;
  /** A matrix run (`--rpc`): section ids are `scenario-NAME-RPC`. */
  matrix?: boolean;
  /** The fault backend the run used. Default `embedded`. */
  faultBackend?: string;
  /** When the report was made. Default now. */
  generatedAt?: Date;
}

/** The HTML document of `results`, in run order. */
export function renderHtmlReport(results: readonly ScenarioResult[], options: HtmlReportOptions = {}): string {
  const ok = results.filter((result) => result.ok).length;
  const when = (options.generatedAt ?? new Date()).toISOString();
  const verdict = ok === results.length ? 'all as expected' : `${results.length - ok} mismatch${results.length - ok === 1 ? '' : 'es'}`;
  const body = `<header>
<h1>streamlab run: how each stream ended</h1>
<p class="meta">${results.length} scenario${results.length === 1 ? '' : 's'}, ${escapeHtml(verdict)} · generated ${escapeHtml(when)} · faults: ${escapeHtml(options.faultBackend ?? 'embedded')}</p>
<p>Each scenario below ran as one trace: a client and a server on real sockets, and the runner
causing the end (a cancel, a network fault, a signal to the server process). The table compares
what each side expected and observed; each section draws both sides' lifecycle events on one
time axis, then explains the ending: what went over the wire, what gRPC reports, how streamlab
tells it apart, and where to look in Jaeger, Grafana and the alerts.</p>
</header>
<nav aria-label="summary">
${renderSummaryTable(results, options)}
</nav>
<main>
${results.map((result) => renderScenarioSection(result, options)).join('\n')}
</main>
<footer>Made by <code>streamlab run --html</code>. Self-contained: no network request; the diagrams are drawn by d3 (ISC licence, d3js.org), inlined below.</footer>`;
  return renderPage({ title: `streamlab run — ${results.map((r) => r.scenario.name).join(', ')}`, body, scripts: [d3Source(), diagramViewSource()] });
}
