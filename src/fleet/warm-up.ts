/**
 * Warming a round-robin channel before the subscribers start (design §1): streams started
 * while only one backend is READY all pin to it, and round robin never moves them. So the
 * fleet first sends health checks through the shared channel until each backend has
 * answered (grpc-js's getPeer() names the backend a call went to), then starts streaming.
 */
import { Client, Metadata } from '@grpc/grpc-js';
import type { Client as GrpcClient } from '@grpc/grpc-js';

/** A channel as grpc-js clients hand it out (getChannel()). */
type Channel = ReturnType<GrpcClient['getChannel']>;

/** An empty `grpc.health.v1.HealthCheckRequest` (service ""): zero bytes in protobuf. */
const EMPTY = Buffer.alloc(0);

/** One Health/Check through `channel`; resolves with the backend that answered, or undefined. */
function check(client: Client): Promise<string | undefined> {
  return new Promise((resolve) => {
    const call = client.makeUnaryRequest('/grpc.health.v1.Health/Check', () => EMPTY, (bytes: Buffer) => bytes, {}, new Metadata(), { deadline: Date.now() + 1_000 }, () => {
      const peer = call.getPeer();
      resolve(peer.includes(':') && !peer.includes(',') ? peer : undefined);
    });
  });
}

/**
 * Sends health checks through `channel` until `expected` distinct backends have answered or
 * `timeoutMs` passed. Any answer counts, UNIMPLEMENTED included: it came from that backend.
 * @returns the backends seen, `host:port`
 */
export async function warmChannel(channel: Channel, expected: number, timeoutMs = 5_000): Promise<string[]> {
  const client = new Client('unused', null as never, { channelOverride: channel });
  const seen = new Set<string>();
  const until = Date.now() + timeoutMs;
  while (seen.size < expected && Date.now() < until) {
    const peers = await Promise.all(Array.from({ length: expected }, () => check(client)));
    for (const peer of peers) if (peer) seen.add(peer);
  }
  return [...seen];
}
