/**
 * Which servers are on the bus now (issue 18): each server announces itself on the core
 * NATS subject `streamlab.bus.presence` every `intervalMs`, and answers a newcomer's first
 * announcement at once, so a server that joins knows its peers within a round trip. A peer
 * not heard for `intervalMs` × 3.5 is gone. The Notify scatter-gather (delivery-census.ts)
 * waits for exactly the servers present.
 */
import type { NatsConnection } from '@nats-io/transport-node';

/** The subject servers announce themselves on. */
export const PRESENCE_SUBJECT = 'streamlab.bus.presence';

/** What a server announces. */
export interface PresenceAnnouncement {
  /** Unique per process (src/bus/bus-topics.ts). */
  server: string;
  /** Its gRPC `host:port` as it listens (informational). */
  grpc?: string;
}

/** Announcements missed before a peer counts as gone. */
const MISSED = 3.5;

/**
 * Starts announcing `self` and listening to the others.
 * @param intervalMs pause between two announcements, ms
 */
export function startBusPresence(nc: NatsConnection, self: PresenceAnnouncement, intervalMs: number) {
  const seen = new Map<string, { atMs: number; announcement: PresenceAnnouncement }>();
  const announce = (): void => nc.publish(PRESENCE_SUBJECT, JSON.stringify(self));
  const subscription = nc.subscribe(PRESENCE_SUBJECT, {
    callback: (error, message) => {
      if (error) return;
      let announcement: PresenceAnnouncement;
      try {
        announcement = message.json<PresenceAnnouncement>();
      } catch {
        return;
      }
      if (typeof announcement.server !== 'string') return;
      const known = seen.has(announcement.server);
      seen.set(announcement.server, { atMs: Date.now(), announcement });
      if (!known && announcement.server !== self.server) announce();
    },
  });
  seen.set(self.server, { atMs: Date.now(), announcement: self });
  announce();
  const timer = setInterval(announce, intervalMs);
  timer.unref();
  const live = (): PresenceAnnouncement[] => {
    const since = Date.now() - intervalMs * MISSED;
    for (const [server, entry] of seen) if (server !== self.server && entry.atMs < since) seen.delete(server);
    return [...seen.values()].map((entry) => entry.announcement);
  };
  return {
    /** The servers present now, this one included. */
    live,
    /** Stops announcing. Idempotent. */
    close(): void {
      clearInterval(timer);
      subscription.unsubscribe();
    },
  };
}

/** Presence started by {@link startBusPresence}. */
export type BusPresence = ReturnType<typeof startBusPresence>;
