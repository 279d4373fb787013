/**
 * Writing to a server stream with backpressure made visible: when `write()` returns false
 * (the transport buffer is full), the wait for 'drain' is a `backpressure.wait` span on the
 * call's RPC span and a `streamlab_backpressure_wait_seconds` observation.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { observationOf } from './server-call-observation.ts';

/**
 * Waits for 'drain' after `call.write()` returned false, as a `backpressure.wait` span.
 * Resolves early when the call ends meanwhile. Write synchronously while `write()` returns
 * true and await this only when it returned false: the fast path allocates no promise.
 *   if (!call.write(message)) await waitForDrain(call);
 */
export async function waitForDrain(call: Writable): Promise<void> {
  const observation = observationOf(call);
  if (observation?.signal.aborted) return;
  const done = observation?.recorder.backpressureWait();
  try {
    await once(call, 'drain', observation ? { signal: observation.signal } : {});
  } catch {
    // the call ended while waiting; its end is classified by the observation
  } finally {
    done?.();
  }
}
