/**
 * The comparison a scenario run prints: the side-by-side table, a compact timeline per
 * scenario, and the `--json` document.
 */
import Table from 'cli-table3';
import { grpcCodeName } from '../telemetry/grpc-status.ts';
import type { StreamEnd } from '../telemetry/lifecycle-event.ts';
import { deliveryOf as accountOf } from '../delivery/delivery-account.ts';
import type { DeliveryAccount } from '../delivery/delivery-account.ts';
import type { RpcKind } from '../core/method-info.ts';
import type { ScenarioResult } from './scenario.ts';
import { renderTimeline, silenceNote, timelineLegend } from './timeline.ts';

/** One side of a scenario in the `--json` document; null where that side was not observed. */
export interface JsonSide {
  end_cause: string | null;
  grpc_code: number | null;
  /** Data messages: the requests for client streaming, the responses otherwise. */
  messages: number | null;
  /** Messages this side sent and received, both directions counted. */
  sent: number | null;
  received: number | null;
  detection_ms: number | null;
  /** Client, `connect_failed`: the OS error (ECONNREFUSED, ...). */
  connect_error?: string;
  /** Why this side has no record when it cannot have one (the server was killed, or there is none). */
  note?: string;
  /** Span mode contrib: what the stock instrumentation (instrumentation-grpc) recorded on this side's RPC span. */
  stock_span?: { name: string; ended_by: 'instrumentation' | 'streamlab'; status_code: number; grpc_status_code?: number };
}

/** A delivery account in the `--json` document. */
export interface JsonDelivery {
  sent: number;
  acked: number;
  redelivered: number;
  exhausted: number;
  duplicates: number;
  unacked_at_end: number;
  exhausted_ids: number[];
  unacked_ids: number[];
}

/** The `--json` document's shape (one object per scenario, in run order). */
export interface JsonReport {
  scenarios: Array<{
    name: string;
    rpc: RpcKind;
    trace_id: string;
    ok: boolean;
    mismatches: string[];
    client: JsonSide;
    server: JsonSide;
    /** A client that could not notice (frozen server, no keepalive): how long the runner waited before it cancelled, ms. */
    silent_for_ms?: number;
    /** Delivery scenarios: the server's account when observed, else the client's; per side in `client`/`server`. */
    delivery?: JsonDelivery & { client?: JsonDelivery; server?: JsonDelivery };
    /** Lab scenarios (the Kubernetes lessons): what the run showed beyond the two ends, one line each. */
    findings?: string[];
  }>;
}

const round = (ms: number | undefined): number | null => (ms === undefined ? null : Math.round(ms * 10) / 10);

function side(end: StreamEnd | undefined, note?: string): JsonSide {
  return {
    end_cause: end?.endCause ?? null,
    grpc_code: end?.grpcCode ?? null,
    messages: end?.messages ?? null,
    sent: end?.sent ?? null,
    received: end?.received ?? null,
    detection_ms: round(end?.detectionMs),
    ...(end?.connectError ? { connect_error: end.connectError } : {}),
    ...(note ? { note } : {}),
    ...(end?.stockSpan ? {
      stock_span: {
        name: end.stockSpan.name, ended_by: end.stockSpan.endedBy, status_code: end.stockSpan.statusCode,
        ...(end.stockSpan.grpcStatusCode !== undefined ? { grpc_status_code: end.stockSpan.grpcStatusCode } : {}),
      },
    } : {}),
  };
}

function delivery(account: DeliveryAccount): JsonDelivery {
  return {
    sent: account.sent, acked: account.acked, redelivered: account.redelivered, exhausted: account.exhausted,
    duplicates: account.duplicates, unacked_at_end: account.unackedIds.length,
    exhausted_ids: account.exhaustedIds, unacked_ids: account.unackedIds,
  };
}

function deliveryOf(result: ScenarioResult): JsonReport['scenarios'][number]['delivery'] {
  const clientAccount = accountOf(result.client);
  const serverAccount = accountOf(result.server);
  const client = clientAccount ? delivery(clientAccount) : undefined;
  const server = serverAccount ? delivery(serverAccount) : undefined;
  const main = server ?? client;
  if (!main) return undefined;
  // The server counts what it sent and redelivered; the client counts duplicates.
  return { ...main, duplicates: client?.duplicates ?? main.duplicates, ...(client ? { client } : {}), ...(server ? { server } : {}) };
}

/** Builds the `--json` document. */
export function toJsonReport(results: readonly ScenarioResult[]): JsonReport {
  return {
    scenarios: results.map((result) => {
      const account = deliveryOf(result);
      return {
        name: result.scenario.name,
        rpc: result.scenario.rpc,
        trace_id: result.traceId,
        ok: result.ok,
        mismatches: result.mismatches,
        client: side(result.client),
        server: side(result.server, result.serverNote),
        ...(result.silentForMs !== undefined ? { silent_for_ms: result.silentForMs } : {}),
        ...(account ? { delivery: account } : {}),
        ...(result.findings ? { findings: result.findings } : {}),
      };
    }),
  };
}

function detection(result: ScenarioResult): string {
  const ms = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(1));
  if (result.causeAtMs === undefined) return '-';
  return `client ${ms(result.client?.detectionMs)}\nserver ${ms(result.server?.detectionMs)}`;
}

/** The client's end cause cell: with the OS error of a connect failure, or the silence of a frozen wait. */
function clientCause(result: ScenarioResult): string {
  const end = result.client;
  if (!end) return '(no end)';
  if (end.connectError) return `${end.endCause}\n${end.connectError}`;
  if (result.silentForMs !== undefined) return `${end.endCause}\n(silent ${result.silentForMs / 1000} s)`;
  return end.endCause;
}

const messages = (end: StreamEnd | undefined) => (end ? `${end.sent}↑ ${end.received}↓` : '-');

/** The side-by-side table, one row per scenario. `color` paints the verdict. */
export function renderTable(results: readonly ScenarioResult[], color = false): string {
  const paint = (text: string, code: number) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const table = new Table({
    head: ['scenario', 'rpc', 'client end cause', 'gRPC code', 'msgs', 'server end cause', 'msgs', 'detection (ms)', 'trace id', 'verdict'],
    style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [] },
  });
  for (const result of results) {
    table.push([
      result.scenario.name,
      result.scenario.rpc,
      clientCause(result),
      result.client ? grpcCodeName(result.client.grpcCode) : '-',
      messages(result.client),
      result.server?.endCause ?? (result.serverNote ? `(${result.serverNote.split(':')[0]})` : '(not observed)'),
      messages(result.server),
      detection(result),
      result.traceId || '-',
      result.ok ? paint('ok', 32) : paint('MISMATCH', 31),
    ]);
  }
  return table.toString();
}

/** One line per delivery scenario: the accounting of both sides. */
function deliveryLines(results: readonly ScenarioResult[]): string[] {
  return results.flatMap((result) => {
    const account = deliveryOf(result);
    if (!account) return [];
    const unacked = account.unacked_ids.length ? ` [${account.unacked_ids.join(', ')}]` : '';
    return [`${result.scenario.name}: delivery sent ${account.sent}, acked ${account.acked}, redelivered ${account.redelivered}, exhausted ${account.exhausted}, duplicates ${account.duplicates}, unacked at end ${account.unacked_at_end}${unacked}`];
  });
}

/** The full terminal report: table, mismatches, delivery accounting, then one timeline per scenario. */
export function renderReport(results: readonly ScenarioResult[], color = false): string {
  const lines = [renderTable(results, color), '(msgs: ↑ sent, ↓ received by that side)'];
  for (const result of results.filter((r) => !r.ok)) {
    lines.push(`${result.scenario.name} [${result.scenario.rpc}]: ${result.mismatches.join('; ')}`);
  }
  lines.push(...deliveryLines(results));
  for (const result of results.filter((r) => r.findings?.length)) {
    lines.push(`${result.scenario.name}:`, ...(result.findings ?? []).map((finding) => `  ${finding}`));
  }
  for (const result of results.filter((r) => r.silentForMs !== undefined)) {
    lines.push(`${result.scenario.name}: client ${silenceNote(result.silentForMs ?? 0)}`);
  }
  lines.push('', `Timelines (one axis per scenario; ${timelineLegend()}):`);
  for (const result of results) lines.push('', renderTimeline(result));
  return lines.join('\n');
}
