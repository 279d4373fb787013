/**
 * The one error type of the fleet's control operations: a code the REST API maps to an
 * HTTP status, a message naming the bad value, and the underlying cause when there is one.
 */

/** What went wrong, as the API answers it. */
export type FleetErrorCode = 'not_found' | 'conflict' | 'unavailable';

/** HTTP status of each {@link FleetErrorCode}. */
export const FLEET_ERROR_STATUS: Record<FleetErrorCode, number> = { not_found: 404, conflict: 409, unavailable: 503 };

/** A fleet operation that cannot be done as asked. */
export class FleetError extends Error {
  readonly code: FleetErrorCode;
  /**
   * @param code what went wrong
   * @param message one line naming the value and what is allowed
   * @param options.cause the underlying error, if any
   */
  constructor(code: FleetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'FleetError';
  }
}
