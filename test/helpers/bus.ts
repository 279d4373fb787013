/**
 * The bus tests' helpers (issue 18): `streamlab serve --bus` as a process of its own, a
 * follower that records every id it receives, and bounded waits on it.
 */
import type { Metadata } from '@grpc/grpc-js';
import { createStreamlabClient } from '../../src/client/streamlab-client.ts';
import type { StreamlabClient } from '../../src/client/streamlab-client.ts';
import type { Event__Output } from '../../src/generated/streamlab/v1/Event.ts';
import { RESUME_GAP_HEADER } from '../../src/services/ticker-service.ts';
import type { TelemetryDeps } from '../../src/telemetry/telemetry-deps.ts';
import type { StreamEnd } from '../../src/telemetry/lifecycle-event.ts';
import { startCli } from './cli.ts';
import type { CliProcess } from './cli.ts';

/** A `serve --bus` process. */
export interface BusServer {
  cli: CliProcess;
  /** gRPC `127.0.0.1:PORT`. */
  target: string;
  metricsPort: number;
  client: StreamlabClient;
  /** Its /metrics value of `series` (labels given as they print, e.g. `{bus="nats://…"}`), or undefined. */
  metric(series: string): Promise<number | undefined>;
}

/** Starts `streamlab serve --bus urls` on free ports with `args` added; resolves once it serves. */
export async function startBusServer(deps: TelemetryDeps, urls: string, args: readonly string[] = []): Promise<BusServer> {
  const cli = startCli(['serve', '--bus', urls, '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--log-level', 'warn', ...args]);
  const text = await cli.output('stderr', /streamlab serving gRPC on \S+, metrics on :\d+/, 60_000);
  const [, target, metricsPort] = /streamlab serving gRPC on (\S+), metrics on :(\d+)/.exec(text) as RegExpExecArray;
  return {
    cli, target: target as string, metricsPort: Number(metricsPort), client: createStreamlabClient(deps, { target: target as string }),
    async metric(series) {
      const page = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const line = page.split('\n').find((candidate) => candidate.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    },
  };
}

/** A follower's record. */
export interface Follower {
  events: Event__Output[];
  /** When each event arrived, epoch ms. */
  arrivals: number[];
  /** The `streamlab-resume-gap` header, once headers came (undefined: none). */
  gap: Promise<string | undefined>;
  ended: Promise<StreamEnd>;
  cancel(): void;
  /** Resolves once an event with id ≥ `id` (or with `text`) arrived. @throws Error after `boundMs` naming what it got */
  waitFor(what: { id?: number; text?: string }, boundMs: number): Promise<Event__Output>;
}

/** Follows `topic` on `client` after `afterId`, until cancelled. */
export function follow(client: StreamlabClient, topic: string, afterId = 0): Follower {
  const observed = client.subscribe({ topic, count: 0, follow: true, resumeAfterId: afterId });
  const events: Event__Output[] = [];
  const arrivals: number[] = [];
  const waiters = new Set<() => void>();
  observed.call.on('data', (event: Event__Output) => {
    events.push(event);
    arrivals.push(Date.now());
    for (const waiter of waiters) waiter();
  });
  const gap = new Promise<string | undefined>((resolve) => observed.call.once('metadata', (headers: Metadata) => resolve(headers.get(RESUME_GAP_HEADER)[0] as string | undefined)));
  const matches = (what: { id?: number; text?: string }) => events.find((event) => (what.id === undefined || event.id >= what.id) && (what.text === undefined || event.text === what.text));
  return {
    events, arrivals, gap, ended: observed.ended, cancel: () => observed.cancel(),
    waitFor: (what, boundMs) => new Promise((resolve, reject) => {
      const check = () => {
        const found = matches(what);
        if (!found) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no event ${JSON.stringify(what)} within ${boundMs} ms; ids so far: ${events.map((e) => e.id).join(',')}`));
      }, boundMs);
      waiters.add(check);
      check();
    }),
  };
}

/** The ids that are missing (gaps) and repeated (duplicates) in `ids`, which should be consecutive. */
export function account(ids: readonly number[]): { gaps: number; duplicates: number } {
  let gaps = 0;
  let duplicates = 0;
  for (let index = 1; index < ids.length; index++) {
    const step = ids[index]! - ids[index - 1]!;
    if (step <= 0) duplicates += 1;
    else gaps += step - 1;
  }
  return { gaps, duplicates };
}
