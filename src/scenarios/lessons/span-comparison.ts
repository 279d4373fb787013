/**
 * What the stock instrumentation (@opentelemetry/instrumentation-grpc) records for an ending
 * next to what streamlab records (issue 15): per side, the RPC span's name, who ends it and
 * its status. The stock side is measured, never written by hand: from the run itself in span
 * mode contrib (StreamEnd.stockSpan), else from `stock-spans.data.ts`, which
 * `npm run lessons:stock` writes from a contrib run of the whole catalogue.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { Side, StockSpanFacts, StreamEnd } from '../../telemetry/lifecycle-event.ts';
import { rpcSpanStatus } from '../../telemetry/span-writer.ts';
import { grpcCodeName } from '../../telemetry/grpc-status.ts';
import { STOCK_SPANS } from './stock-spans.data.ts';
import type { MeasuredEnding, MeasuredSide } from './measured-ending.ts';

/** One line of the comparison. */
export interface SpanComparisonRow {
  side: Side;
  /** What the stock instrumentation records, in words. */
  stock: string;
  /** What streamlab records, in words. */
  streamlab: string;
}

const STATUS = ['UNSET', 'OK', 'ERROR'];

/** A side of a measured ending from an end record (what the generator stores). */
export function measuredSide(end: StreamEnd | undefined): MeasuredSide {
  if (!end) return {};
  return {
    ...(end.stockSpan ? { stock: end.stockSpan } : {}),
    streamlab: { name: `${end.service}/${end.method}`, endCause: end.endCause, grpcCode: end.grpcCode },
  };
}

function stockWords(side: Side, stock: StockSpanFacts | undefined): string {
  if (!stock) return `no ${side.toUpperCase()} span: this side recorded nothing`;
  if (stock.endedBy === 'streamlab') return `\`${stock.name}\` is never ended by it (no status, no end time: the trace shows it open; streamlab ends it)`;
  const code = stock.grpcStatusCode === undefined ? '' : `, \`rpc.grpc.status_code\` ${stock.grpcStatusCode} (${grpcCodeName(stock.grpcStatusCode)})`;
  return `\`${stock.name}\` ended by it, status ${STATUS[stock.statusCode] ?? stock.statusCode}${code}, no message events`;
}

function streamlabWords(side: Side, measured: MeasuredSide['streamlab']): string {
  if (!measured) return `no ${side.toUpperCase()} span`;
  const status = rpcSpanStatus(side, measured.grpcCode, '').code === SpanStatusCode.ERROR ? 'ERROR' : 'UNSET';
  return `\`${measured.name}\` ended with \`streamlab.end_cause=${measured.endCause}\`, status ${status} (${grpcCodeName(measured.grpcCode)}), message events and counts`;
}

/**
 * The comparison for scenario `name`: from `live` (this run's records, when they carry the
 * stock facts: span mode contrib), else from the measured data; undefined when neither has it.
 */
export function spanComparison(name: string, live?: { client?: StreamEnd; server?: StreamEnd }): SpanComparisonRow[] | undefined {
  const fromRun = live && (live.client?.stockSpan || live.server?.stockSpan) ? { client: measuredSide(live.client), server: measuredSide(live.server) } : undefined;
  const measured: MeasuredEnding | undefined = fromRun ?? STOCK_SPANS.scenarios[name];
  if (!measured) return undefined;
  return (['client', 'server'] as const).map((side) => ({
    side, stock: stockWords(side, measured[side]?.stock), streamlab: streamlabWords(side, measured[side]?.streamlab),
  }));
}

/** Where the measured data comes from, in words (versions and the command). */
export function spanComparisonSource(live: boolean): string {
  return live
    ? 'measured in this run (span mode contrib)'
    : `measured by \`npm run lessons:stock\` (span mode contrib, instrumentation-grpc ${STOCK_SPANS.instrumentationGrpc}, grpc-js ${STOCK_SPANS.grpcJs})`;
}
