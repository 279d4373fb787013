/**
 * The summary of a load run, as `streamlab load --json` prints it (one document) and the
 * text report renders it. Times are in ms, rates in messages per second.
 */
import type { RpcKind } from '../core/method-info.ts';
import type { EndRow, Latency } from './load-stats.ts';
import type { LoadRunResult } from './run-load.ts';
import type { ServerEnds } from './server-metrics.ts';

/** `streamlab load --json`. */
export interface LoadReport {
  /** `host:port` dialed. */
  target: string;
  /** `package.Service/Method`. */
  method: string;
  /** The method's RPC kind: unary, client_stream, server_stream or bidi_stream. */
  rpc: RpcKind;
  /** Where the schema came from: the --proto paths, or `reflection v1` / `reflection v1alpha`. */
  schema: string;
  /** --scenario (sent as baggage `streamlab.scenario`), or null. */
  scenario: string | null;
  /** --streams: streams kept open at once. */
  streams: number;
  /** --duration, ms. */
  duration_ms: number;
  /** --rate, messages per second per stream (client_stream, bidi_stream); null for the other kinds. */
  rate: number | null;
  /** From the start to the last stream's end (duration + the grace half-closed streams took), ms. */
  elapsed_ms: number;
  /** True when the run was stopped early (Ctrl-C). */
  interrupted: boolean;
  /** Streams opened over the run (unary: calls made). */
  opened: number;
  /** Streams the run cancelled because they were still open at its end. */
  ended_by_run: number;
  /** Messages of all streams; per second over elapsed_ms. */
  messages: { sent: number; received: number; sent_per_s: number; received_per_s: number };
  /** Time from opening a stream to its response headers (unary: to its response); null when none came. */
  connect_ms: Latency | null;
  /** Time from opening a stream to its first received message (client_stream: the response). */
  first_message_ms: Latency | null;
  /** Time between consecutive messages received on one stream; null when no stream received two. */
  inter_arrival_ms: Latency | null;
  /** Client-side end causes of every stream: one row per end_cause × grpc_code. */
  ends: EndRow[];
  /** With --server-metrics: the server-side end causes of the run (a /metrics delta); else null. */
  server_ends: ServerEnds | null;
}

/** What the report says about the run besides its stats. */
export interface LoadReportInput {
  target: string;
  method: string;
  rpc: RpcKind;
  schema: string;
  scenario?: string;
  streams: number;
  durationMs: number;
  rate: number;
  serverEnds?: ServerEnds;
}

const perSecond = (count: number, ms: number) => (ms > 0 ? Math.round((count / ms) * 1000 * 100) / 100 : 0);

/** Builds the report of a finished run. */
export function buildLoadReport(input: LoadReportInput, run: LoadRunResult): LoadReport {
  const { stats } = run;
  const counts = stats.counts();
  const ends = stats.ends();
  const writes = input.rpc === 'client_stream' || input.rpc === 'bidi_stream';
  return {
    target: input.target,
    method: input.method,
    rpc: input.rpc,
    schema: input.schema,
    scenario: input.scenario ?? null,
    streams: input.streams,
    duration_ms: input.durationMs,
    rate: writes ? input.rate : null,
    elapsed_ms: Math.round(run.elapsedMs),
    interrupted: run.interrupted,
    opened: counts.opened,
    ended_by_run: ends.reduce((sum, row) => sum + row.ended_by_run, 0),
    messages: {
      sent: counts.sent,
      received: counts.received,
      sent_per_s: perSecond(counts.sent, run.elapsedMs),
      received_per_s: perSecond(counts.received, run.elapsedMs),
    },
    ...stats.latencies(),
    ends,
    server_ends: input.serverEnds ?? null,
  };
}
