/**
 * The child side of a server process the scenario runner started: forwards the server's
 * lifecycle records and spans to the parent and answers its requests (see
 * server-process-protocol.ts). Built by `streamlab serve` when src/main.ts found a parent link.
 */
import type { LifecycleObserver } from '../telemetry/lifecycle-event.ts';
import { createAnnouncedRuns } from './announced-runs.ts';
import type { ChildMessage, ParentLink } from './server-process-protocol.ts';

/** A registry's metrics in prom-client's JSON form (`Registry.getMetricsAsJSON()`). */
type MetricsSnapshot = Extract<ChildMessage, { type: 'metrics' }>['metrics'];

/** What the reporter needs from the serving process. */
export interface ParentReporterDeps {
  link: ParentLink;
  /** Exports every finished span now (instrumentation's forceFlush). */
  flushSpans(): Promise<void>;
  /** Calls open on the server now, for `status` requests. */
  activeStreams?(): number;
  /**
   * Forward every lifecycle event (open, messages, cancel, …) as well as the ends. Default
   * true; a fleet's server sends ends only: thousands of streams would flood the channel.
   */
  events?: boolean;
}

/** Creates the reporter; pass its `runs` to the server's telemetry deps (the runs' records go to the parent). */
export function createParentReporter(deps: ParentReporterDeps) {
  const pending = new Set<Promise<void>>();
  const send = (message: ChildMessage): Promise<void> => {
    const sent = deps.link.send(message);
    pending.add(sent);
    void sent.finally(() => pending.delete(sent));
    return sent;
  };
  const observer: LifecycleObserver = {
    ...(deps.events === false ? {} : { onEvent: (event) => void send({ type: 'event', event }) }),
    onEnd: (end) => void send({ type: 'end', end }),
  };
  const runs = createAnnouncedRuns(observer);
  deps.link.onMessage((message) => {
    if (message.type === 'open-run') {
      runs.announce(message.runId, message.scenario);
      void send({ type: 'ack', id: message.id });
    } else if (message.type === 'mark-cause') {
      runs.markCause(message.runId, message.atMs);
      void send({ type: 'ack', id: message.id });
    } else if (message.type === 'flush') {
      void deps.flushSpans().finally(() => send({ type: 'ack', id: message.id }));
    } else if (message.type === 'status') {
      void send({ type: 'ack', id: message.id, value: deps.activeStreams?.() ?? 0 });
    }
  });
  return {
    /** Every record it is given goes to the parent (a process whose calls belong to no run of its own: the lab's subscribers). */
    observer,
    /** The runs the parent announced or the calls named: their calls' records go to the parent with their run id. */
    runs,
    /** Tells the parent where the server listens. */
    listening: (address: { host: string; port: number; metricsPort: number }) => send({ type: 'listening', ...address }),
    /** Sends the server's final metrics (after its shutdown: nothing counts after them). */
    metrics: (metrics: MetricsSnapshot) => send({ type: 'metrics', metrics }),
    /** Resolves once every message sent so far was handed to the channel (before exiting). */
    drain: async (): Promise<void> => {
      await Promise.all([...pending]);
    },
  };
}
