/**
 * A server's connection to the bus (issue 18): NATS with JetStream, through the official
 * client (@nats-io/transport-node, @nats-io/jetstream).
 *
 * At start, a bus that does not answer is retried with backoff (100 ms, ×1.6, ±20 %, at
 * most 2 s apart) for `connectTimeoutMs`, then it is a clear error naming the URLs and the
 * last failure: never a hang. Once connected, the client reconnects forever, every
 * `reconnectWaitMs`, to any server of the cluster it knows.
 *
 * Bus health: the gauge `streamlab_bus_connected`, the counter
 * `streamlab_bus_disconnects_total`, the histogram `streamlab_bus_outage_seconds`, and a
 * span `bus.outage` per outage with the events `bus.disconnect` and `bus.reconnect`.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { SpanKind } from '@opentelemetry/api';
import type { Span, Tracer } from '@opentelemetry/api';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection, Status } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { createBackoff } from '../core/backoff.ts';
import { withTimeout } from '../core/deferred.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import * as sc from '../telemetry/semconv.ts';

/** What the connection records into. */
export interface BusConnectionDeps {
  metrics: Metrics['bus'];
  tracer: Tracer;
  logger: Logger;
}

/** Options of {@link connectBus}. */
export interface BusConnectionOptions {
  /** `host:port` of each NATS server (src/bus/bus-url.ts). */
  servers: string[];
  /** The URLs as configured, for messages and the metric label `bus`. */
  label: string;
  /** Connection name the NATS server shows (`/connz`), e.g. the server id. */
  name: string;
  /** Give up connecting at start after this long, ms. Default 10,000. */
  connectTimeoutMs?: number;
  /** Pause between two reconnect attempts once connected, ms. Default 250. */
  reconnectWaitMs?: number;
  /** Timeout of one JetStream API call or publish, ms. Default 5,000. */
  requestTimeoutMs?: number;
}

/** Default of {@link BusConnectionOptions.connectTimeoutMs}. */
export const DEFAULT_BUS_CONNECT_TIMEOUT_MS = 10_000;

/** The bus is not there (at start) or refused what we asked. */
export class BusUnavailableError extends Error {
  override name = 'BusUnavailableError';
}

/** Opens one connection attempt; JetStream must answer too. */
async function attempt(options: BusConnectionOptions, timeoutMs: number): Promise<{ nc: NatsConnection; jsm: JetStreamManager }> {
  const nc = await connect({
    servers: options.servers, name: options.name, timeout: timeoutMs, waitOnFirstConnect: false,
    reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: options.reconnectWaitMs ?? 250, reconnectJitter: 50,
  });
  try {
    return { nc, jsm: await jetstreamManager(nc, { timeout: options.requestTimeoutMs ?? 5_000, checkAPI: true }) };
  } catch (error) {
    await nc.close();
    throw new BusUnavailableError(`the NATS server at ${options.label} answered but JetStream did not (start nats-server with -js): ${(error as Error).message}`);
  }
}

/**
 * Connects, retrying with backoff until `connectTimeoutMs`.
 * @throws BusUnavailableError naming the URLs, the attempts and the last failure
 */
export async function connectBus(deps: BusConnectionDeps, options: BusConnectionOptions) {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_BUS_CONNECT_TIMEOUT_MS;
  const deadline = Date.now() + connectTimeoutMs;
  const backoff = createBackoff({ initialMs: 100, multiplier: 1.6, jitter: 0.2, maxMs: 2_000 });
  let attempts = 0;
  let opened: { nc: NatsConnection; jsm: JetStreamManager } | undefined;
  for (;;) {
    attempts += 1;
    try {
      opened = await attempt(options, Math.max(500, Math.min(2_000, deadline - Date.now())));
      break;
    } catch (error) {
      if (error instanceof BusUnavailableError) throw error;
      const wait = backoff.next().delayMs;
      if (Date.now() + wait >= deadline) {
        throw new BusUnavailableError(`the bus ${options.label} is not reachable: ${attempts} attempts over ${connectTimeoutMs} ms, the last one: ${(error as Error).message}`);
      }
      deps.logger.warn('bus not reachable, retrying', { bus: options.label, attempt: attempts, retry_in_ms: Math.round(wait), error: (error as Error).message });
      await delay(wait);
    }
  }
  const { nc, jsm } = opened;
  const labels = { [sc.LABEL_BUS]: options.label };
  deps.metrics.connected.set(labels, 1);
  deps.metrics.disconnects.inc(labels, 0);
  const listeners = new Set<(status: Status) => void>();
  let connected = true;
  let outage: { span: Span; atMs: number } | undefined;

  function onStatus(status: Status): void {
    if (status.type === 'disconnect' && connected) {
      connected = false;
      deps.metrics.connected.set(labels, 0);
      deps.metrics.disconnects.inc(labels);
      const span = deps.tracer.startSpan(sc.SPAN_BUS_OUTAGE, { kind: SpanKind.INTERNAL, attributes: { [sc.ATTR_MESSAGING_SYSTEM]: 'nats', [sc.ATTR_BUS_SERVER]: status.server } });
      span.addEvent(sc.EVENT_BUS_DISCONNECT, { [sc.ATTR_BUS_SERVER]: status.server });
      outage = { span, atMs: Date.now() };
      deps.logger.warn('bus lost', { event: sc.EVENT_BUS_DISCONNECT, bus: options.label, server: status.server });
    } else if (status.type === 'reconnect' && !connected) {
      connected = true;
      deps.metrics.connected.set(labels, 1);
      if (outage) {
        const ms = Date.now() - outage.atMs;
        deps.metrics.outageSeconds.observe(ms / 1000);
        outage.span.addEvent(sc.EVENT_BUS_RECONNECT, { [sc.ATTR_BUS_SERVER]: status.server });
        outage.span.setAttribute(sc.ATTR_BUS_OUTAGE_MS, ms);
        outage.span.end();
        outage = undefined;
        deps.logger.info('bus back', { event: sc.EVENT_BUS_RECONNECT, bus: options.label, server: status.server, outage_ms: ms });
      }
    }
    for (const listener of listeners) listener(status);
  }
  void (async () => {
    for await (const status of nc.status()) onStatus(status);
  })();

  return {
    nc,
    jsm,
    js: jetstream(nc, { timeout: options.requestTimeoutMs ?? 5_000 }) as JetStreamClient,
    /** The URLs as configured. */
    label: options.label,
    /** Attempts it took to connect at start (1 when the bus was there). */
    attempts,
    /** True while the connection is up. */
    get connected(): boolean {
      return connected;
    },
    /** Calls `listener` with every status change of the connection. @returns its removal */
    onStatus(listener: (status: Status) => void): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    /** Closes the connection: pending publishes are flushed first, for at most 2 s (a lost bus cannot take them). Idempotent. */
    async close(): Promise<void> {
      if (nc.isClosed()) return;
      const drained = await withTimeout(nc.drain().then(() => true, () => false), 2_000, false);
      if (!drained) await nc.close().catch(() => undefined);
      outage?.span.end();
      deps.metrics.connected.remove(labels);
    },
  };
}

/** A connection built by {@link connectBus}. */
export type BusConnection = Awaited<ReturnType<typeof connectBus>>;
