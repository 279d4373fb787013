/**
 * Opens a scenario's call of any RPC kind and reports its progress in data messages, so
 * the runner can cancel or cut the network "after N messages" the same way for every kind
 * (see catalogue.ts for what N counts per kind):
 * - unary: Ticker/Notify, the server holding the call for `count` × interval (600 s when
 *   count is 0); progress ticks every interval;
 * - client streaming: Ticker/Publish, one PublishRequest every interval, `count` of them
 *   (until the call ends when 0), then half-close;
 * - server streaming: Ticker/Subscribe; progress on every Event received;
 * - bidi: Delivery/Exchange with ACKs (and the scenario's simulated loss); progress on every
 *   message received.
 */
import type { StreamEnd } from '../telemetry/lifecycle-event.ts';
import type { StreamlabClient } from '../client/streamlab-client.ts';
import { startDelivery } from '../client/delivery-client.ts';
import type { Scenario } from './catalogue.ts';

/** How the call is paced and sized. */
export interface ScenarioCallParams {
  /** Pause between two data messages, ms. */
  intervalMs: number;
  /** Payload of each data message, bytes. */
  payloadBytes: number;
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

  switch (scenario.rpc) {
    case 'unary': {
      const delayMs = scenario.count === 0 ? UNARY_HOLD_MS : scenario.count * params.intervalMs;
      observed = client.notify({ topic, text: `scenario ${scenario.name}`, delayMs });
      timer = setInterval(progress, Math.max(1, params.intervalMs));
      break;
    }
    case 'client_stream': {
      const publish = client.publish();
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
      const subscribe = client.subscribe({ topic, count: scenario.count, intervalMs: params.intervalMs, payloadBytes: params.payloadBytes });
      subscribe.call.on('data', progress);
      observed = subscribe;
      break;
    }
    case 'bidi_stream': {
      const exchange = startDelivery(client, {
        count: scenario.count, intervalMs: params.intervalMs, payloadBytes: params.payloadBytes,
        ...(scenario.delivery ? { dropRate: scenario.delivery.dropRate, seed: scenario.delivery.seed } : {}),
      }, { onMessage: progress });
      observed = exchange;
      break;
    }
  }
  const ended = observed.ended.finally(() => clearInterval(timer));
  return {
    ended,
    onProgress: (listener) => void listeners.push(listener),
    cancel: () => observed.cancel(),
  };
}
