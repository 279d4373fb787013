/**
 * Notify's `delivered` over the bus (issue 18, docs/fleet-bus.md): a scatter-gather. Once
 * the bus has numbered a Notify, the server that took it asks every server present
 * (bus-presence.ts) on the core NATS subject `streamlab.bus.delivered` how many of its
 * listeners received that id; each answers once it has read the id from the stream (0 at
 * once when it does not read the topic). The sum of the answers that came within
 * `timeoutMs` is the reply's `delivered`: the same count as the embedded relay's, unless a
 * server is too slow or just died, in which case it counts 0 and the Notify's server logs it.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../telemetry/logger.ts';
import type { BusPresence } from './bus-presence.ts';

/** The subject of the scatter-gather. */
export const CENSUS_SUBJECT = 'streamlab.bus.delivered';

/** A question: event `id` of `topic`. */
interface CensusQuestion {
  topic: string;
  id: number;
}

/** An answer. */
interface CensusAnswer {
  server: string;
  delivered: number;
}

/** What the census needs. */
export interface DeliveryCensusDeps {
  nc: NatsConnection;
  presence: BusPresence;
  logger: Logger;
  /** This server's id. */
  self: string;
  /**
   * How many of this server's listeners received event `id` of `topic`: resolves once the
   * server has read that id (0 when it does not read the topic, or not within `waitMs`).
   */
  countOf(topic: string, id: number, waitMs: number): Promise<number>;
}

/** What a gather found. */
export interface CensusResult {
  /** Listeners that received it, summed over the servers that answered. */
  delivered: number;
  /** Servers that answered. */
  answered: number;
  /** Servers present when it asked. */
  expected: number;
}

/**
 * Starts answering the census and returns the gatherer.
 * @param timeoutMs how long a gather waits for the servers present, ms
 */
export function startDeliveryCensus(deps: DeliveryCensusDeps, timeoutMs: number) {
  const subscription = deps.nc.subscribe(CENSUS_SUBJECT, {
    callback: (error, message) => {
      if (error || !message.reply) return;
      let question: CensusQuestion;
      try {
        question = message.json<CensusQuestion>();
      } catch {
        return;
      }
      if (typeof question.topic !== 'string' || !Number.isInteger(question.id)) return;
      void deps.countOf(question.topic, question.id, timeoutMs).then((delivered) => {
        const answer: CensusAnswer = { server: deps.self, delivered };
        message.respond(JSON.stringify(answer));
      });
    },
  });
  return {
    /**
     * Asks every server present how many listeners received event `id` of `topic`.
     * Never rejects: a bus that cannot carry the question counts what came.
     */
    async gather(topic: string, id: number): Promise<CensusResult> {
      const expected = deps.presence.live().length;
      const result: CensusResult = { delivered: 0, answered: 0, expected };
      const servers = new Set<string>();
      try {
        const question: CensusQuestion = { topic, id };
        const answers = await deps.nc.requestMany(CENSUS_SUBJECT, JSON.stringify(question), { strategy: 'count', maxMessages: expected, maxWait: timeoutMs });
        for await (const message of answers) {
          const answer = message.json<CensusAnswer>();
          if (servers.has(answer.server)) continue;
          servers.add(answer.server);
          result.delivered += answer.delivered;
          result.answered += 1;
        }
      } catch (error) {
        deps.logger.warn('Notify census failed', { topic, event_id: id, error: (error as Error).message });
      }
      if (result.answered < expected) deps.logger.warn('Notify census incomplete: servers that did not answer count 0', { topic, event_id: id, answered: result.answered, expected, timeout_ms: timeoutMs });
      return result;
    },
    /** Stops answering. Idempotent. */
    close(): void {
      subscription.unsubscribe();
    },
  };
}

/** A census started by {@link startDeliveryCensus}. */
export type DeliveryCensus = ReturnType<typeof startDeliveryCensus>;
