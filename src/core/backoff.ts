/**
 * The delay before a subscriber's next subscribe attempt: gRPC's connection backoff
 * (grpc/grpc doc/connection-backoff.md — INITIAL_BACKOFF 1 s, MULTIPLIER 1.6, JITTER 0.2,
 * MAX_BACKOFF 120 s), applied to re-subscribing instead of reconnecting. The n-th
 * consecutive attempt waits min(initial × multiplier^(n-1), max) × (1 ± jitter), drawn
 * uniformly; a subscription that streamed resets the sequence.
 */

/** Backoff parameters; each has the gRPC default. */
export interface BackoffOptions {
  /** Delay before the first retry, ms. Default 1,000 (INITIAL_BACKOFF). */
  initialMs?: number;
  /** Growth per consecutive attempt. Default 1.6 (MULTIPLIER). */
  multiplier?: number;
  /** Relative spread, 0 to 1: the delay is drawn from ±jitter around the nominal one. Default 0.2 (JITTER). */
  jitter?: number;
  /** Cap of the nominal delay, ms. Default 120,000 (MAX_BACKOFF). */
  maxMs?: number;
}

/** gRPC's connection-backoff constants (doc/connection-backoff.md). */
export const GRPC_BACKOFF = { initialMs: 1_000, multiplier: 1.6, jitter: 0.2, maxMs: 120_000 } as const;

/** One drawn delay: the nominal value and what was drawn around it, ms. */
export interface BackoffDelay {
  /** 1 for the first retry after a subscription ended, 2 for the next failed one, … */
  attempt: number;
  nominalMs: number;
  delayMs: number;
}

/**
 * Checks and completes `options`.
 * @throws RangeError naming the bad field and what is allowed
 */
export function backoffParameters(options: BackoffOptions = {}): Required<BackoffOptions> {
  const parameters = { ...GRPC_BACKOFF, ...options };
  if (!(parameters.initialMs >= 0)) throw new RangeError(`initialMs=${parameters.initialMs} must be ≥ 0`);
  if (!(parameters.multiplier >= 1)) throw new RangeError(`multiplier=${parameters.multiplier} must be ≥ 1`);
  if (!(parameters.jitter >= 0 && parameters.jitter <= 1)) throw new RangeError(`jitter=${parameters.jitter} must be between 0 and 1`);
  if (!(parameters.maxMs >= parameters.initialMs)) throw new RangeError(`maxMs=${parameters.maxMs} must be ≥ initialMs (${parameters.initialMs})`);
  return parameters;
}

/**
 * Creates a backoff sequence.
 * @param random uniform in [0, 1) (Math.random, or a seeded generator in tests)
 * @throws RangeError on bad options (see {@link backoffParameters})
 */
export function createBackoff(options: BackoffOptions = {}, random: () => number = Math.random) {
  const { initialMs, multiplier, jitter, maxMs } = backoffParameters(options);
  let attempt = 0;
  return {
    /** The delay before the next attempt; each call is one more consecutive attempt. */
    next(): BackoffDelay {
      attempt += 1;
      const nominalMs = Math.min(initialMs * multiplier ** (attempt - 1), maxMs);
      const delayMs = nominalMs * (1 + jitter * (2 * random() - 1));
      return { attempt, nominalMs, delayMs };
    },
    /** A subscription streamed: the next delay is the initial one again. */
    reset(): void {
      attempt = 0;
    },
  };
}

/** A sequence built by {@link createBackoff}. */
export type Backoff = ReturnType<typeof createBackoff>;
