/**
 * The client side's commands, the same for both arms: open N idle follow subscriptions and
 * time them until every one had its response headers; fan one Notify out and time it until
 * the last subscriber received it. An arm supplies only how to connect, subscribe and
 * notify (bare grpc-js or streamlab's client). No streamlab code is imported here.
 */
import { FLEET_TOPIC, PHASE_TIMEOUT_MS, readMemory, serveCommands, WARMUP_TOPIC } from './common.ts';
import type { FanoutResult } from './common.ts';

/** One arm's client. */
export interface ClientArm {
  /** Creates the channel to `target` (nothing connects yet). */
  connect(target: string): void;
  /**
   * Opens one `Subscribe(topic, count 0, follow)`; `onHeaders` when its response headers
   * arrive, `onText` with the text of every event it receives. Returns what must stay referenced.
   */
  subscribe(topic: string, onHeaders: () => void, onText: (text: string) => void): unknown;
  /** One Notify; resolves with the reply's `delivered`. @throws Error when it failed */
  notify(topic: string, text: string): Promise<number>;
}

/** Serves the runner's client commands with `arm`. */
export function driveSubscribers(arm: ClientArm): void {
  const streams: unknown[] = [];
  let expected = 0;
  let current: string | undefined;
  let received = 0;
  let lastAt = 0;
  let allReceived: (() => void) | undefined;
  const onText = (text: string) => {
    if (text !== current) return;
    received += 1;
    if (received === expected) {
      lastAt = performance.now();
      allReceived?.();
    }
  };

  serveCommands(async (command) => {
    switch (command.cmd) {
      case 'memory':
        return readMemory();
      case 'connect':
        arm.connect(command.target);
        await arm.notify(WARMUP_TOPIC, 'warm-up'); // connects, and runs the unary path once
        return undefined;
      case 'open': {
        const startedAt = performance.now();
        let headers = 0;
        expected += command.count;
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${headers} of ${command.count} subscriptions had headers after ${PHASE_TIMEOUT_MS} ms`)), PHASE_TIMEOUT_MS);
          for (let index = 0; index < command.count; index++) {
            streams.push(arm.subscribe(FLEET_TOPIC, () => {
              if (++headers === command.count) {
                clearTimeout(timer);
                resolve();
              }
            }, onText));
          }
        });
        return performance.now() - startedAt;
      }
      case 'fanout': {
        current = command.text;
        received = 0;
        const everyone = new Promise<void>((resolve) => (allReceived = resolve));
        const startedAt = performance.now();
        const delivered = await arm.notify(FLEET_TOPIC, command.text);
        const replyMs = performance.now() - startedAt;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([everyone, new Promise<void>((resolve) => (timer = setTimeout(resolve, PHASE_TIMEOUT_MS)))]);
        clearTimeout(timer);
        const result: FanoutResult = { lastReceiptMs: received === expected ? lastAt - startedAt : Number.NaN, replyMs, delivered, received };
        return result;
      }
      default:
        throw new Error(`client: unknown command ${command.cmd}`);
    }
  });
}
