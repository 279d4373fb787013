/**
 * The two promise helpers every lifecycle needs: a promise resolved from outside, and a
 * race of a promise against a timeout that never leaves a timer behind.
 */

/** A promise with its resolve function. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  /** True once resolve() was called (later calls are ignored). */
  readonly settled: boolean;
}

/** Creates an unresolved deferred. It never rejects. */
export function createDeferred<T>(): Deferred<T> {
  let resolvePromise!: (value: T) => void;
  let settled = false;
  const promise = new Promise<T>((resolve) => (resolvePromise = resolve));
  return {
    promise,
    resolve(value: T) {
      if (settled) return;
      settled = true;
      resolvePromise(value);
    },
    get settled() {
      return settled;
    },
  };
}

/**
 * Resolves with `promise`'s value, or with `fallback` once `timeoutMs` ms passed first. The
 * timer is unref'd (it never holds the process open) and cleared when `promise` wins.
 * A rejection of `promise` is passed on.
 */
export async function withTimeout<T, F = undefined>(promise: Promise<T>, timeoutMs: number, fallback?: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, fallback as F);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
