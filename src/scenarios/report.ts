/**
 * The comparison a scenario run prints: the side-by-side table, a compact timeline per
 * scenario, and the `--json` document.
 */
import Table from 'cli-table3';
import { grpcCodeName } from '../telemetry/grpc-status.ts';
import type { ScenarioResult } from './runner.ts';
import { renderTimeline } from './timeline.ts';

/** The `--json` document's shape (one object per scenario, in run order). */
export interface JsonReport {
  scenarios: Array<{
    name: string;
    trace_id: string;
    ok: boolean;
    client: { end_cause: string | null; grpc_code: number | null; messages: number | null };
    server: { end_cause: string | null; grpc_code: number | null; messages: number | null; detection_ms: number | null };
  }>;
}

const round = (ms: number | undefined): number | null => (ms === undefined ? null : Math.round(ms * 10) / 10);

/** Builds the `--json` document. */
export function toJsonReport(results: readonly ScenarioResult[]): JsonReport {
  return {
    scenarios: results.map((result) => ({
      name: result.scenario.name,
      trace_id: result.traceId,
      ok: result.ok,
      client: {
        end_cause: result.client?.endCause ?? null,
        grpc_code: result.client?.grpcCode ?? null,
        messages: result.client?.messages ?? null,
      },
      server: {
        end_cause: result.server?.endCause ?? null,
        grpc_code: result.server?.grpcCode ?? null,
        messages: result.server?.messages ?? null,
        detection_ms: round(result.server?.detectionMs),
      },
    })),
  };
}

function detection(result: ScenarioResult): string {
  const side = (ms: number | undefined) => (ms === undefined ? '-' : ms.toFixed(1));
  if (result.causeAtMs === undefined) return '-';
  return `client ${side(result.client?.detectionMs)}\nserver ${side(result.server?.detectionMs)}`;
}

/** The side-by-side table, one row per scenario. `color` paints the verdict. */
export function renderTable(results: readonly ScenarioResult[], color = false): string {
  const paint = (text: string, code: number) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const table = new Table({
    head: ['scenario', 'client end cause', 'gRPC code', 'msgs', 'server end cause', 'msgs', 'detection (ms)', 'trace id', 'verdict'],
    style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [] },
  });
  for (const result of results) {
    table.push([
      result.scenario.name,
      result.client?.endCause ?? '(no end)',
      result.client ? grpcCodeName(result.client.grpcCode) : '-',
      result.client?.messages ?? '-',
      result.server?.endCause ?? '(not observed)',
      result.server?.messages ?? '-',
      detection(result),
      result.traceId || '-',
      result.ok ? paint('ok', 32) : paint('MISMATCH', 31),
    ]);
  }
  return table.toString();
}

/** The full terminal report: table, mismatches, then one timeline per scenario. */
export function renderReport(results: readonly ScenarioResult[], color = false): string {
  const lines = [renderTable(results, color)];
  for (const result of results.filter((r) => !r.ok)) {
    lines.push(`${result.scenario.name}: ${result.mismatches.join('; ')}`);
  }
  lines.push('', 'Timelines (one axis per scenario; o open, · message, x cancel, ! fault, k keepalive timeout, c transport close, E end):');
  for (const result of results) lines.push('', renderTimeline(result));
  return lines.join('\n');
}
