/**
 * The report's summary table: one row per scenario run, the terminal table's columns
 * (src/scenarios/report.ts) with each side's expected end beside the observed one. The
 * trace id is left to each scenario's section (with its Jaeger link), so the table fits a
 * page.
 */
import { expectationFor } from '../../scenarios/scenario.ts';
import { causeOf } from '../../scenarios/describe-scenario.ts';
import { describeExpected } from '../../scenarios/scenario.ts';
import type { ScenarioResult } from '../../scenarios/scenario.ts';
import type { StreamEnd } from '../../telemetry/lifecycle-event.ts';
import { grpcCodeName } from '../../telemetry/grpc-status.ts';
import { escapeHtml } from './escape.ts';
import { sectionId } from './scenario-section.ts';

/** Options of the table. */
export interface SummaryOptions {
  /** Fault backend the run used (expectations may differ by backend). Default `embedded`. */
  faultBackend?: string;
  /** Matrix run (`--rpc`): section ids carry the RPC kind. */
  matrix?: boolean;
}

const cell = (html: string, cls?: string) => `<td${cls ? ` class="${cls}"` : ''}>${html}</td>`;
const lines = (...parts: Array<string | undefined>) => parts.filter((p) => p !== undefined && p !== '').map((p) => escapeHtml(p as string)).join('<br>');
const messages = (end: StreamEnd | undefined) => (end ? `${end.sent}↑ ${end.received}↓` : '-');
const detectionMs = (end: StreamEnd | undefined) => (end?.detectionMs === undefined ? '-' : end.detectionMs.toFixed(1));

/** The client's observed end: cause, gRPC code name, and the OS error or the silence when there is one. */
function clientObserved(result: ScenarioResult): string {
  const end = result.client;
  if (!end) return lines('(no end)');
  const silent = result.silentForMs !== undefined ? `(silent ${result.silentForMs / 1000} s)` : undefined;
  return lines(end.endCause, grpcCodeName(end.grpcCode), end.connectError, silent);
}

/** The server's observed end, or why there is none (the first words of the runner's note). */
function serverObserved(result: ScenarioResult): string {
  if (result.server) return lines(result.server.endCause, grpcCodeName(result.server.grpcCode));
  return lines(result.serverNote ? `(${result.serverNote.split(':')[0]})` : '(not observed)');
}

/** The `<table class="summary">`, one `<tr data-scenario="NAME">` per result, in run order. */
export function renderSummaryTable(results: readonly ScenarioResult[], options: SummaryOptions = {}): string {
  const backend = options.faultBackend ?? 'embedded';
  const rows = results.map((result) => {
    const { scenario } = result;
    const expect = expectationFor(scenario, backend);
    const id = sectionId(scenario.name, scenario.rpc, options.matrix ?? false);
    const detection = result.causeAtMs === undefined ? '-' : lines(`client ${detectionMs(result.client)}`, `server ${detectionMs(result.server)}`);
    return `<tr data-scenario="${escapeHtml(scenario.name)}" data-rpc="${escapeHtml(scenario.rpc)}" data-ok="${result.ok}">`
      + cell(`<a href="#${escapeHtml(id)}">${escapeHtml(scenario.name)}</a><br><span class="small">${escapeHtml(scenario.rpc)}</span>`)
      + cell(escapeHtml(causeOf(scenario)))
      + cell(lines(describeExpected(expect.client), grpcCodeName(expect.clientCode)), 'expected')
      + cell(clientObserved(result), 'observed')
      + cell(escapeHtml(messages(result.client)))
      + cell(escapeHtml(describeExpected(expect.server)), 'expected')
      + cell(serverObserved(result), 'observed')
      + cell(escapeHtml(messages(result.server)))
      + cell(detection)
      + cell(result.ok ? '<span class="verdict-ok">ok</span>' : '<span class="verdict-mismatch">MISMATCH</span>')
      + '</tr>';
  });
  return `<div class="table-scroll"><table class="summary">
<thead>
<tr><th rowspan="2">scenario<br><span class="small">rpc</span></th><th rowspan="2">cause</th><th colspan="3">client</th><th colspan="3">server</th><th rowspan="2">detection (ms)</th><th rowspan="2">verdict</th></tr>
<tr><th>expected</th><th>observed</th><th>msgs</th><th>expected</th><th>observed</th><th>msgs</th></tr>
</thead>
<tbody>
${rows.join('\n')}
</tbody>
</table></div>
<p class="small">msgs: ↑ sent, ↓ received by that side · detection: ms from the cause (the runner's first action) to that side's end</p>`;
}
