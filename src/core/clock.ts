/**
 * The one clock every lifecycle record, span time and detection latency is measured on.
 */

/**
 * Wall-clock now in ms since the Unix epoch with sub-ms precision
 * (`performance.timeOrigin + performance.now()`: monotonic within the process, unlike
 * `Date.now()`, and comparable across processes on one machine to about a millisecond).
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
