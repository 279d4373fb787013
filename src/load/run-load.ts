/**
 * The load run: `streams` slots, each keeping one stream of the method open for the
 * duration, opening a new one whenever its stream ends (unary: calling in a loop). When the
 * duration is over, writers half-close and get `graceMs` to end by themselves; everything
 * still open is then cancelled (end cause client_cancelled, counted as ended by the run).
 * The run stops by itself: duration + grace at most, and it only ever dials the client's target.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { context, propagation } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import type { DynamicClient } from '../client/dynamic-client.ts';
import { BAGGAGE_SCENARIO } from '../telemetry/semconv.ts';
import { createLoadStats } from './load-stats.ts';
import type { LoadStats } from './load-stats.ts';
import { openDrivenStream } from './stream-drivers.ts';
import type { DrivenStream } from './stream-drivers.ts';

/** A slot whose stream could not connect waits this long before dialing again, ms (no busy loop against a dead target). */
export const CONNECT_RETRY_MS = 200;

/** How a run is shaped. */
export interface LoadRunOptions {
  /** Streams kept open at once (≥ 1). */
  streams: number;
  /** How long streams are opened and kept open, ms. */
  durationMs: number;
  /** The request (parsed --data), already checked against the method's request type. */
  request: unknown;
  /** Client streaming and bidi: messages per second per stream after the first; 0: only the first. */
  rate: number;
  /** After the duration, how long half-closed streams may take to end by themselves, ms. */
  graceMs: number;
  /** Sent as W3C baggage `streamlab.scenario` with every call when given. */
  scenario?: string;
  /** Aborting it ends the run now: every open stream is cancelled, without grace. */
  signal?: AbortSignal;
  /** Called every `progressEveryMs` (default 200) while the run goes on. */
  onProgress?: (progress: LoadProgress) => void;
  progressEveryMs?: number;
}

/** The run so far. */
export interface LoadProgress {
  elapsedMs: number;
  durationMs: number;
  /** Streams open right now. */
  open: number;
  opened: number;
  ended: number;
  /** Messages so far, open streams included. */
  sent: number;
  received: number;
}

/** What a run returns: its stats (to report, then `destroy()`), how long it took, whether it was interrupted. */
export interface LoadRunResult {
  stats: LoadStats;
  /** From the first stream opened to the last one ended, ms. */
  elapsedMs: number;
  interrupted: boolean;
}

/** The context every call is opened in: the scenario as baggage, when given. */
function runContext(scenario: string | undefined): Context {
  if (!scenario) return context.active();
  const baggage = (propagation.getBaggage(context.active()) ?? propagation.createBaggage()).setEntry(BAGGAGE_SCENARIO, { value: scenario });
  return propagation.setBaggage(context.active(), baggage);
}

/** Runs the load; resolves once every stream has ended. */
export async function runLoad(client: DynamicClient, options: LoadRunOptions): Promise<LoadRunResult> {
  const stats = createLoadStats();
  const open = new Set<DrivenStream>();
  const stop = new AbortController();
  const callContext = runContext(options.scenario);
  const startedAt = performance.now();
  const progress = (): LoadProgress => {
    const counts = stats.counts();
    let { sent, received } = counts;
    for (const stream of open) {
      sent += stream.recorder.sent;
      received += stream.recorder.received;
    }
    return { elapsedMs: Math.min(performance.now() - startedAt, options.durationMs), durationMs: options.durationMs, open: open.size, opened: counts.opened, ended: counts.ended, sent, received };
  };

  const slot = async () => {
    while (!stop.signal.aborted) {
      const stream = context.with(callContext, () => openDrivenStream({ client, request: options.request, rate: options.rate, stats }));
      open.add(stream);
      const end = await stream.ended;
      open.delete(stream);
      stats.ended(end, stream.cancelledByRun && end.endCause === 'client_cancelled');
      if (end.endCause === 'connect_failed') await delay(CONNECT_RETRY_MS, undefined, { signal: stop.signal }).catch(() => {});
    }
  };

  let interrupted = false;
  /** Ends the run: writers half-close and get the grace (none when interrupted), then the rest is cancelled. */
  const finish = async (graceMs: number) => {
    if (stop.signal.aborted) return;
    stop.abort();
    const draining = [...open].filter((stream) => {
      if (stream.finish()) return true;
      stream.cancel();
      return false;
    });
    if (draining.length === 0) return;
    const grace = new AbortController();
    const cancelled = () => grace.abort();
    options.signal?.addEventListener('abort', cancelled, { once: true });
    await Promise.race([Promise.all(draining.map((stream) => stream.ended)), delay(graceMs, undefined, { signal: grace.signal }).catch(() => {})]);
    options.signal?.removeEventListener('abort', cancelled);
    for (const stream of draining) stream.cancel();
  };
  const onAbort = () => {
    interrupted = true;
    for (const stream of open) stream.cancel();
    void finish(0);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const durationTimer = setTimeout(() => void finish(options.graceMs), options.durationMs);
  const ticker = options.onProgress ? setInterval(() => options.onProgress?.(progress()), options.progressEveryMs ?? 200) : undefined;
  try {
    if (options.signal?.aborted) onAbort();
    await Promise.all(Array.from({ length: options.streams }, slot));
  } finally {
    clearTimeout(durationTimer);
    clearInterval(ticker);
    options.signal?.removeEventListener('abort', onAbort);
  }
  options.onProgress?.(progress());
  return { stats, elapsedMs: performance.now() - startedAt, interrupted };
}
