/**
 * Writes a call's lifecycle records (lifecycle-event.ts) to the observers that asked for
 * them: the process's own (tests, benchmarks) and the call's scenario run, if it belongs to
 * one (found through its baggage). The scenario runner draws its timeline and reads its
 * verdicts from these.
 */
import { nowMs } from '../core/clock.ts';
import type { CallView, CallWriter, MessageType } from './call-writer.ts';
import type { LifecycleEvent, LifecycleObserver, LifecyclePhase, StreamEnd } from './lifecycle-event.ts';

/** The lifecycle writer. */
export class LifecycleWriter implements CallWriter {
  readonly #observer: LifecycleObserver | undefined;

  constructor(observer: LifecycleObserver | undefined) {
    this.#observer = observer;
  }

  #emit(call: CallView, phase: LifecyclePhase, atMs: number, detail?: string): void {
    const run = call.run?.observer;
    if (!this.#observer?.onEvent && !run?.onEvent) return;
    const event: LifecycleEvent = { side: call.side, streamId: call.streamId, scenario: call.scenario, phase, atMs };
    if (call.run) event.runId = call.run.id;
    if (detail !== undefined) event.detail = detail;
    this.#observer?.onEvent?.(event);
    run?.onEvent?.(event);
  }

  open(call: CallView): void {
    this.#emit(call, 'stream.open', call.openedAtMs);
  }

  message(call: CallView, type: MessageType, n: number): void {
    if (this.#observer?.onEvent || call.run) this.#emit(call, 'message', nowMs(), `${type} ${n}`);
  }

  phase(call: CallView, phase: LifecyclePhase, atMs: number, detail: string | undefined): void {
    this.#emit(call, phase, atMs, detail);
  }

  event(call: CallView, _name: string, _attributes: unknown, _level: unknown, lifecyclePhase: LifecyclePhase | undefined, detail: string | undefined): void {
    if (lifecyclePhase) this.#emit(call, lifecyclePhase, nowMs(), detail);
  }

  backpressure(call: CallView, startMs: number, endMs: number | undefined): void {
    if (endMs === undefined) this.#emit(call, 'backpressure.wait', startMs);
  }

  segment(): void {}
  flush(): void {}

  end(call: CallView, end: StreamEnd): void {
    this.#emit(call, 'stream.end', end.endedAtMs, end.endCause);
    this.#observer?.onEnd?.(end);
    call.run?.observer.onEnd?.(end);
  }
}
