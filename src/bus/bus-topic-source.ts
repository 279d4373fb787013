/**
 * The topic source of a server on the bus (`serve --bus`, issue 18): NATS JetStream numbers
 * every topic event, so servers on any host that share the bus hold the same ids and a
 * subscriber resumes on any of them (docs/fleet-bus.md). Per topic this server reads:
 * - an ordered consumer (topic-consumer.ts) feeds the server's TopicLog from the stream,
 *   starting with everything the stream keeps (its history is the stream's retention);
 * - the ticker (bus-ticker.ts) publishes its ticks, deduplicated across servers;
 * - a Notify is published with a message id of its own (a retry after a lost ack is not
 *   numbered twice), then its `delivered` is gathered from every server (delivery-census.ts).
 */
import { status as Status } from '@grpc/grpc-js';
import { jetstream } from '@nats-io/jetstream';
import { StreamlabError } from '../core/errors.ts';
import { withTimeout } from '../core/deferred.ts';
import type { TopicEvent, TopicLog } from '../services/topic-log.ts';
import type { TopicSource } from '../services/topic-source.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import * as sc from '../telemetry/semconv.ts';
import type { BusConnection } from './bus-connection.ts';
import { createBusTicker } from './bus-ticker.ts';
import type { DeliveryCensus } from './delivery-census.ts';
import { startTopicConsumer } from './topic-consumer.ts';
import type { TopicConsumer } from './topic-consumer.ts';
import { ensureTopicStream, topicStream } from './topic-stream.ts';
import { createIdWaiter } from './id-waiter.ts';
import type { IdWaiter } from './id-waiter.ts';

/** What the source needs. */
export interface BusTopicSourceDeps {
  bus: BusConnection;
  log: TopicLog;
  logger: Logger;
  metrics: Metrics['bus'];
  /** Started with the source's `countOf` (bus-topics.ts wires the two). */
  census(): DeliveryCensus;
}

/** Tuning; see docs/fleet-bus.md for how each bounds recovery. */
export interface BusTopicSourceOptions {
  /** This server's id (message ids of its Notify texts). */
  self: string;
  /** Tick period, ms; 0 never ticks. */
  tickMs: number;
  /** Events a new topic's stream keeps (`--history`). */
  history: number;
  /** Copies of a new topic's stream (`--bus-replicas`). */
  replicas: number;
  /** Pull expiry of the consumers, ms (`--bus-expires-ms`): a stalled consumer is recreated after it. */
  expiresMs: number;
  /** Pause between retries while the bus cannot answer, ms. */
  retryMs: number;
  /** How long a Notify's publish is retried (same message id), and a resume waits for its topic, ms. */
  publishTimeoutMs: number;
}

interface TopicState {
  consumer: TopicConsumer;
  /** Resolves once the stream exists and the consumer reads it. */
  started: Promise<void>;
  waiter: IdWaiter;
  /** Listeners that received each recent Notify, by id. */
  counts: Map<number, number>;
}

/** Notify counts kept per topic for the census. */
const COUNTS_KEPT = 1_000;

/** Creates the source; nothing is read until a topic is followed or a resume asks for it. */
export function createBusTopicSource(deps: BusTopicSourceDeps, options: BusTopicSourceOptions) {
  const { bus, log } = deps;
  const topics = new Map<string, TopicState>();
  const ensured = new Map<string, Promise<unknown>>();
  // A tick waits for its ack no longer than two ticks (at least 1 s): one sent to a leader that
  // just died would otherwise hold the topic's next ticks for the whole Notify timeout.
  const tickTimeoutMs = Math.min(options.publishTimeoutMs, Math.max(1_000, 2 * options.tickMs));
  const ticker = createBusTicker({ js: bus.js, metrics: deps.metrics, connected: () => bus.connected }, options.tickMs, tickTimeoutMs);
  // Consumers are (re)created with requests bounded by their expiry, not the 5 s API timeout:
  // during a stream leader's election each attempt fails fast and the next one follows.
  const consumerJs = jetstream(bus.nc, { timeout: options.expiresMs });
  let notifies = 0;
  let closed = false;
  const unavailable = (what: string) => new StreamlabError(Status.UNAVAILABLE, `the bus ${bus.label} ${what}`);

  /** The topic's stream, created when missing; a failure is forgotten so the next call retries. */
  function ensure(topic: string): Promise<unknown> {
    let promise = ensured.get(topic);
    if (!promise) {
      promise = ensureTopicStream(bus.jsm, topic, { history: options.history, replicas: options.replicas });
      ensured.set(topic, promise);
      promise.catch(() => ensured.delete(topic));
    }
    return promise;
  }

  function onEvent(topic: string, state: { waiter: IdWaiter; counts: Map<number, number> }, event: TopicEvent): void {
    const delivered = log.deliver(topic, event);
    if (event.text !== '') {
      state.counts.set(event.id, delivered);
      if (state.counts.size > COUNTS_KEPT) state.counts.delete(state.counts.keys().next().value as number);
    }
    state.waiter.reached(event.id);
  }

  /** Starts reading `topic` (once): its stream first, retried until the bus answers. */
  function topicState(topic: string): TopicState {
    let state = topics.get(topic);
    if (state) return state;
    const partial = { waiter: createIdWaiter(), counts: new Map<number, number>() };
    let consumer: TopicConsumer | undefined;
    const started = (async () => {
      while (!closed) {
        try {
          await ensure(topic);
          break;
        } catch (error) {
          deps.logger.warn('bus: topic stream not ready, retrying', { topic, error: (error as Error).message });
          await new Promise((resolve) => setTimeout(resolve, options.retryMs));
        }
      }
      consumer = startTopicConsumer({ js: consumerJs, logger: deps.logger, onReconnect: (listener) => bus.onStatus((status) => status.type === 'reconnect' && listener()), onEvent: (event) => onEvent(topic, partial, event) }, topic, { expiresMs: options.expiresMs, retryMs: options.retryMs });
      await consumer.started;
      ticker.watch(topic);
    })();
    state = { ...partial, started, get consumer() { return consumer as TopicConsumer; } };
    topics.set(topic, state);
    return state;
  }

  const source = {
    /** Reads and ticks `topic` from now on (its first listener on this server). */
    follow(topic: string): void {
      topicState(topic);
    },
    /**
     * Resolves once this server has read every event the bus holds for `topic` (so a resume
     * replays from the stream's history and counts gaps against it).
     * @throws StreamlabError UNAVAILABLE when the bus cannot answer within publishTimeoutMs
     */
    async ready(topic: string): Promise<void> {
      const state = topicState(topic);
      const until = Date.now() + options.publishTimeoutMs;
      if ((await withTimeout(state.started.then(() => true), options.publishTimeoutMs, false)) === false) throw unavailable(`did not open topic "${topic}" within ${options.publishTimeoutMs} ms`);
      let lastSeq: number;
      try {
        lastSeq = (await bus.jsm.streams.info(topicStream(topic).stream)).state.last_seq;
      } catch (error) {
        throw unavailable(`did not answer for topic "${topic}": ${(error as Error).message}`);
      }
      if (!(await state.waiter.wait(lastSeq, Math.max(0, until - Date.now())))) throw unavailable(`did not deliver topic "${topic}" up to id ${lastSeq} within ${options.publishTimeoutMs} ms`);
    },
    /**
     * Publishes a Notify: numbered by the bus, then counted on every server present.
     * @returns how many subscribers received it, on every server that answered the census
     * @throws StreamlabError UNAVAILABLE when the bus is down or did not take it within publishTimeoutMs
     */
    async publish(topic: string, text: string): Promise<number> {
      if (!bus.connected) throw unavailable('is not connected (reconnecting): the Notify was not published');
      const msgID = `notify:${options.self}:${++notifies}`;
      const until = Date.now() + options.publishTimeoutMs;
      let seq: number | undefined;
      let last: Error | undefined;
      while (seq === undefined && Date.now() < until) {
        try {
          await ensure(topic);
          seq = (await bus.js.publish(topicStream(topic).subject, text, { msgID, timeout: Math.max(250, Math.min(2_000, until - Date.now())) })).seq;
        } catch (error) {
          last = error as Error;
          await new Promise((resolve) => setTimeout(resolve, options.retryMs));
        }
      }
      if (seq === undefined) {
        deps.metrics.publishFailures.inc({ [sc.LABEL_KIND]: 'notify' });
        throw unavailable(`did not take the Notify within ${options.publishTimeoutMs} ms: ${last?.message ?? 'no answer'}`);
      }
      return (await deps.census().gather(topic, seq)).delivered;
    },
    /** For the census: this server's listeners that received event `id` of `topic` (0 when it does not read it). */
    async countOf(topic: string, id: number, waitMs: number): Promise<number> {
      const state = topics.get(topic);
      if (!state) return 0;
      await state.waiter.wait(id, waitMs);
      return state.counts.get(id) ?? 0;
    },
    /** The last id read of `topic` (0 when not read). */
    lastId: (topic: string): number => log.lastId(topic),
    /** Stops ticking and reading. Idempotent. */
    close(): void {
      closed = true;
      ticker.close();
      for (const state of topics.values()) void state.consumer?.close();
    },
  };
  return source satisfies TopicSource;
}

/** The source built by {@link createBusTopicSource}. */
export type BusTopicSource = ReturnType<typeof createBusTopicSource>;
