/**
 * Waiting until a topic has been read up to an id (issue 18): a resume waits for the
 * server to hold everything the bus holds; the Notify census waits for the server to have
 * delivered the Notify it is asked about.
 */
import { createDeferred, withTimeout } from '../core/deferred.ts';

/** Creates a waiter at id 0. */
export function createIdWaiter() {
  let reachedId = 0;
  const waiting = new Map<number, ReturnType<typeof createDeferred<void>>>();
  return {
    /** Ids up to `id` have been read. */
    reached(id: number): void {
      if (id <= reachedId) return;
      reachedId = id;
      for (const [wanted, deferred] of waiting) {
        if (wanted > id) continue;
        deferred.resolve();
        waiting.delete(wanted);
      }
    },
    /**
     * Resolves once ids up to `id` have been read (at once when they have).
     * @returns false when `timeoutMs` passed first
     */
    async wait(id: number, timeoutMs: number): Promise<boolean> {
      if (id <= reachedId) return true;
      let deferred = waiting.get(id);
      if (!deferred) {
        deferred = createDeferred<void>();
        waiting.set(id, deferred);
      }
      return withTimeout(deferred.promise.then(() => true), timeoutMs, false);
    },
  };
}

/** A waiter built by {@link createIdWaiter}. */
export type IdWaiter = ReturnType<typeof createIdWaiter>;
