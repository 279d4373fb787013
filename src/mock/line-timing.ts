/**
 * When a script line acts: its `ts` (a number of ms or a template yielding one) and the
 * latency the mock adds to every message the server sends.
 */
import { status as Status } from '@grpc/grpc-js';
import type { TemplateHelpers, TemplateScope } from './template/index.ts';
import type { MockLimits } from './mock-runtime.ts';
import type { ScriptLine } from './script-line.ts';
import { LineFailure } from './stream-io.ts';

/**
 * The line's `ts`, ms: 0 when absent.
 * @throws LineFailure INTERNAL naming the line when a `ts` template yields no number ≥ 0
 */
export function delayMs(line: ScriptLine, scope: TemplateScope, helpers: TemplateHelpers): number {
  if (line.ts === undefined || typeof line.ts === 'number') return line.ts ?? 0;
  const value = Number(line.ts.render(scope, helpers));
  if (!(value >= 0 && Number.isFinite(value))) throw new LineFailure(Status.INTERNAL, `${line.where}: ts yielded ${String(value)}, not ms ≥ 0`);
  return value;
}

/** Latency added to one message, ms: uniform in [latencyMinMs, latencyMaxMs], 0 when the max is 0. */
export function latencyMs(limits: MockLimits, random: () => number): number {
  const { latencyMinMs: min, latencyMaxMs: max } = limits;
  return max > 0 ? min + random() * (max - min) : 0;
}
