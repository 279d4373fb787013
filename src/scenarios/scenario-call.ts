/**
 * Opens a scenario's call of any RPC kind and reports its progress in data messages, so
 * the runner can cancel or cut the network "after N messages" the same way for every kind
 * (see catalogue.ts for what N counts per kind):
 * - unary: Ticker/Notify, the server holding the call for `count` × interval (600 s when
 *   count is 0); progress ticks every interval;
 * - client streaming: Ticker/Publish, one PublishRequest every interval, `count` of them
 *   (until the call ends when 0), then half-close;
 * - server streaming: Ticker/Subscribe; progress on every Event received (a slow consumer
 *   pauses reading after each one);
 * - bidi: Delivery/Exchange with ACKs (and the scenario's simulated loss); progress on every
 *   message received.
 */
import type { StreamEnd } from '../telemetry/lifecycle-event.ts';
import type { ClientCallOptions, StreamlabClient } from '../client/streamlab-client.ts';
import { startDelivery } from '../client/delivery-client.ts';
import type { Scenario } from './scenario.ts';

/** How the call is paced and sized. */
export interface ScenarioCallParams {
  /** Pause between two data messages, ms. */
  intervalMs: number;
  /** Payload of each data message, bytes. */
  payloadBytes: number;
  /** Deadline and waitForReady of the call. */
  callOptions?: ClientCallOptions;
}

/** A running scenario call. */
export interface ScenarioCall {
  /** Resolves with the client's end record. Never rejects. */
  readonly ended: Promise<StreamEnd>;
  /** Calls `listener` with the number of data messages so far, after each one. */
  onProgress(listener: (messages: number) => void): void;
  /** Cancels the call (RST_STREAM CANCEL). */
  cancel(): void;
}

/** The longest a unary scenario call is held when its count is 0, ms (NOTIFY_LIMITS.delay_ms). */
const UNARY_HOLD_MS = 600_000;

/** Starts `scenario`'s call on `client`. Call it inside the run's context (baggage, root span). */
export function startScenarioCall(client: StreamlabClient, scenario: Scenario, params: ScenarioCallParams): ScenarioCall {
  const listeners: Array<(messages: number) => void> = [];
  let messages = 0;
  const progress = () => {
    messages += 1;
    for (const listener of listeners) listener(messages);
  };
  const topic = scenario.name;
  const payload = Buffer.alloc(params.payloadBytes, 0x61);
  let observed: { ended: Promise<StreamEnd>; cancel(): void };
  let timer: NodeJS.Timeout | undefined;
  const callOptions = params.callOptions ?? {};

  switch (scenario.rpc) {
    case 'unary': {
      const delayMs = scenario.count === 0 ? UNARY_HOLD_MS : scenario.count * params.intervalMs;
      observed = client.notify({ topic, text: `scenario ${scenario.name}`, delayMs }, callOptions);
      timer = setInterval(progress, Math.max(1, params.intervalMs));
      break;
    }
    case 'client_stream': {
      const publish = client.publish(callOptions);
      observed = publish;
      const send = () => {
        if (!publish.call.writable) return;
        publish.call.write({ topic, id: messages + 1, payload });
        progress();
        if (scenario.count !== 0 && messages >= scenario.count) {
          clearInterval(timer);
          publish.call.end();
        }
      };
      send();
      timer = setInterval(send, Math.max(1, params.intervalMs));
      break;
    }
    case 'server_stream': {
      const subscribe = client.subscribe({ topic, count: scenario.count, intervalMs: params.intervalMs, payloadBytes: params.payloadBytes }, callOptions);
      subscribe.call.on('data', progress);
      const reader = scenario.client;
      if (reader.kind === 'read-slowly') {
        // Not reading lets HTTP/2 flow control fill the window, and the server's write() return false.
        subscribe.call.on('data', () => {
          subscribe.call.pause();
          timer = setTimeout(() => subscribe.call.resume(), reader.pauseMs);
        });
      }
      observed = subscribe;
      break;
    }
    case 'bidi_stream': {
      const exchange = startDelivery(client, {
        count: scenario.count, intervalMs: params.intervalMs, payloadBytes: params.payloadBytes,
        ...(scenario.delivery ? { dropRate: scenario.delivery.dropRate, seed: scenario.delivery.seed } : {}),
      }, { onMessage: progress }, callOptions);
      observed = exchange;
      break;
    }
  }
  const ended = observed.ended.finally(() => clearTimeout(timer));
  return {
    ended,
    onProgress: (listener) => void listeners.push(listener),
    cancel: () => observed.cancel(),
  };
}
