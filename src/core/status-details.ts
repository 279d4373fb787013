/**
 * gRPC status details as people read them. grpc-js ends the details of a call that found no
 * connection with its resolver's note, empty when the resolver had nothing to say:
 * "No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: "
 * (load-balancer-pick-first.ts); the empty note is dropped here.
 */

/**
 * `details` without an empty trailing "Resolution note:"; a note with text is kept.
 * @returns e.g. "No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1"
 */
export function tidyStatusDetails(details: string): string {
  return details.replace(/\.?\s*Resolution note:\s*$/, '');
}
