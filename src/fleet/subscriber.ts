/**
 * A long-lived subscriber (issue 8): keeps one `Subscribe(follow, count 0)` open on its
 * topic; when it ends for any cause but the subscriber's own stop, it waits out gRPC's
 * connection backoff and subscribes again, resuming after the last event id it received.
 * It accounts, per attempt and in total, for events it never got (gaps) and got twice
 * (duplicates). Each attempt is its own CLIENT span, linked to the previous attempt's.
 */
import { context, propagation } from '@opentelemetry/api';
import type { SpanContext } from '@opentelemetry/api';
import type { Metadata } from '@grpc/grpc-js';
import type { EndCause } from '../core/end-cause.ts';
import type { StreamlabClient } from '../client/streamlab-client.ts';
import type { Event__Output } from '../generated/streamlab/v1/Event.ts';
import { RESUME_GAP_HEADER } from '../services/ticker-service.ts';
import { traceExemplar } from '../telemetry/metrics.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { nowMs } from '../core/clock.ts';
import * as sc from '../telemetry/semconv.ts';
import type { Backoff, BackoffDelay } from '../core/backoff.ts';
import { createSubscriberAccount } from './subscriber-account.ts';
import type { AttemptRecord } from './subscriber-account.ts';

/** Where a subscriber is in its life. */
export type SubscriberState = 'connecting' | 'streaming' | 'backoff' | 'stopped';

/** What a subscriber needs. */
export interface SubscriberDeps {
  /** The shared client (one channel, round robin over the fleet's servers). */
  client: StreamlabClient;
  /** The fleet metrics of the process's registry. */
  metrics: Metrics['fleet'];
  /** Its own backoff sequence. */
  backoff: Backoff;
  /** Called with every event received (the fleet measures fan-out with it). Must not throw. */
  onEvent?(event: Event__Output, subscriberId: string): void;
  /** The scenario its calls carry in baggage (metric label, span attribute). Default `fleet`. */
  scenario?: string;
}

/** A subscriber's public view, as the control API lists it. */
export interface SubscriberView {
  id: string;
  topic: string;
  state: SubscriberState;
  /** `host:port` of the server it streams from now; null between subscriptions. */
  backend: string | null;
  /** Events received over its life, duplicates included. */
  received: number;
  /** Subscriptions that ended for a cause other than its stop and were followed by another. */
  reconnects: number;
  /** Events never received: ids skipped across resumes. */
  gaps: number;
  /** Events received more than once. */
  duplicates: number;
  /** The last event id received (0 before the first). */
  last_event_id: number;
  /** End cause of its last subscription, null while the first is open. */
  last_end_cause: EndCause | null;
}

/** The gauge label of a subscriber between subscriptions. */
const NO_BACKEND = 'none';

/**
 * Creates a subscriber; `start()` opens its first subscription.
 * @param id unique within the fleet, e.g. `s-1`
 */
export function createSubscriber(deps: SubscriberDeps, id: string, topic: string) {
  const account = createSubscriberAccount(deps.metrics);
  // The active baggage is kept (a lab's run id), the scenario set.
  const baggage = (propagation.getBaggage(context.active()) ?? propagation.createBaggage()).setEntry(sc.BAGGAGE_SCENARIO, { value: deps.scenario ?? sc.SCENARIO_FLEET });
  const fleetContext = propagation.setBaggage(context.active(), baggage);
  let state: SubscriberState = 'connecting';
  let backend: string | null = null;
  let gaugeLabel = NO_BACKEND;
  let lastEndCause: EndCause | null = null;
  let previousSpan: SpanContext | undefined;
  let cancelCurrent: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let endedAtMs: number | undefined;
  let stopped: (() => void) | undefined;
  /** The one stop in progress: a second stop() gets the same promise. */
  let stopping: Promise<void> | undefined;
  deps.metrics.subscribers.inc({ backend: NO_BACKEND });

  function setBackend(next: string | null): void {
    backend = next;
    deps.metrics.subscribers.dec({ backend: gaugeLabel });
    gaugeLabel = next ?? NO_BACKEND;
    deps.metrics.subscribers.inc({ backend: gaugeLabel });
  }

  function subscribe(delay?: BackoffDelay): void {
    state = 'connecting';
    const afterId = account.lastEventId;
    const observed = context.with(fleetContext, () => deps.client.subscribe({ topic, count: 0, follow: true, resumeAfterId: afterId }));
    const { call, recorder } = observed;
    const attempt: AttemptRecord = account.beginAttempt(afterId, delay, recorder.traceId);
    if (previousSpan) recorder.span.addLink({ context: previousSpan });
    previousSpan = recorder.span.spanContext();
    recorder.span.setAttributes({
      [sc.ATTR_SUBSCRIBER_ID]: id, [sc.ATTR_RESUME_ATTEMPT]: account.attempts, [sc.ATTR_RESUME_AFTER_ID]: afterId,
      ...(delay ? { [sc.ATTR_RESUME_BACKOFF_MS]: Math.round(delay.delayMs) } : {}),
    });
    cancelCurrent = () => observed.cancel();
    call.on('metadata', (headers: Metadata) => {
      state = 'streaming';
      const peer = call.getPeer();
      setBackend(peer);
      attempt.backend = peer;
      attempt.streamingAtMs = nowMs();
      attempt.reportedGap = Number(headers.get(RESUME_GAP_HEADER)[0] ?? 0);
      recorder.span.setAttribute(sc.ATTR_BACKEND, peer);
      if (endedAtMs !== undefined) deps.metrics.resumeSeconds.observe({ value: (attempt.streamingAtMs - endedAtMs) / 1000, exemplarLabels: traceExemplar(recorder.traceId) as never });
      deps.backoff.reset();
    });
    call.on('data', (event: Event__Output) => {
      const { gap, duplicate } = account.receive(attempt, event.id);
      if (gap > 0) recorder.span.setAttribute(sc.ATTR_RESUME_GAP_EVENTS, attempt.gap);
      if (duplicate) recorder.span.setAttribute(sc.ATTR_RESUME_DUPLICATE_EVENTS, attempt.duplicates);
      deps.onEvent?.(event, id);
    });
    void observed.ended.then((end) => {
      cancelCurrent = undefined;
      endedAtMs = end.endedAtMs;
      lastEndCause = end.endCause;
      account.endAttempt(attempt, end.endCause, end.endedAtMs);
      setBackend(null);
      if (stopped) {
        state = 'stopped';
        stopped();
        return;
      }
      deps.metrics.reconnects.inc({ labels: { end_cause: end.endCause }, value: 1, exemplarLabels: traceExemplar(end.traceId) as never });
      const next = deps.backoff.next();
      state = 'backoff';
      timer = setTimeout(() => subscribe(next), next.delayMs);
    });
  }

  return {
    id,
    topic,
    /** Opens the first subscription. */
    start(): void {
      subscribe();
    },
    /** The attempts so far, oldest first (the last 50). */
    get attempts(): readonly AttemptRecord[] {
      return account.history;
    },
    /** The view the control API lists. */
    view(): SubscriberView {
      return {
        id, topic, state, backend, received: account.received, reconnects: account.reconnects,
        gaps: account.gaps, duplicates: account.duplicates, last_event_id: account.lastEventId, last_end_cause: lastEndCause,
      };
    },
    /** Cancels its subscription (end cause client_cancelled) and re-subscribes no more. Resolves once it ended. */
    stop(): Promise<void> {
      if (state === 'stopped') return Promise.resolve();
      stopping ??= new Promise<void>((resolve) => {
        clearTimeout(timer);
        stopped = () => {
          deps.metrics.subscribers.dec({ backend: gaugeLabel });
          resolve();
        };
        if (cancelCurrent) cancelCurrent();
        else {
          state = 'stopped';
          stopped();
        }
      });
      return stopping;
    },
  };
}

/** A subscriber built by {@link createSubscriber}. */
export type Subscriber = ReturnType<typeof createSubscriber>;
