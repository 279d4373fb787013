/**
 * The shape of a measured ending (stock-spans.data.ts, written by `npm run lessons:stock`):
 * what the stock instrumentation and streamlab recorded for one scenario's call, per side.
 */
import type { Side, StockSpanFacts } from '../../telemetry/lifecycle-event.ts';

/** One side of a measured ending, as the generator stores it. */
export interface MeasuredSide {
  /** The stock instrumentation's span; absent when that side recorded nothing (a killed or absent server). */
  stock?: StockSpanFacts;
  /** streamlab's classification of the same call: `package.Service/Method`, its end cause and gRPC code. */
  streamlab?: { name: string; endCause: string; grpcCode: number };
}

/** One scenario's measured ending, both sides. */
export type MeasuredEnding = Partial<Record<Side, MeasuredSide>>;
