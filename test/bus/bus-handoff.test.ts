/**
 * The hand-off from a resume's replay to the live events on a `serve --bus` server (issue
 * 18), with a real nats-server: the replay of a resumed follower fills grpc-js's write
 * buffer exactly at its last event, an event arrives while the catch-up waits for 'drain',
 * and the follower still gets every id once. This is what `npm run bench:fleet`'s bus storm
 * lost (about one id per resumed subscriber): the catch-up went live after the drain without
 * looking at the log again, and the events of the wait were skipped.
 *
 * The race is forced, not waited for: the follower is raw HTTP/2 whose stream window is 0
 * bytes (test/helpers/stuck-subscriber.ts), so the server cannot send a byte and the drain
 * cannot come until the test opens the window (a new SETTINGS_INITIAL_WINDOW_SIZE), after
 * the event of the wait has reached the server's log.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNatsBus } from '../../src/bus/nats-bus.ts';
import type { NatsBus } from '../../src/bus/nats-bus.ts';
import { loadStreamlabProto } from '../../src/core/proto.ts';
import type { Event__Output } from '../../src/generated/streamlab/v1/Event.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import { startBusServer } from '../helpers/bus.ts';
import type { BusServer } from '../helpers/bus.ts';
import { grpcFrame } from '../helpers/stuck-subscriber.ts';

/** Bound of every wait on the processes and the bus (a busy 2-core host starts Node slowly). */
const BOUND_MS = 30_000;
/** grpc-js's server stream is an object-mode Writable: write() returns false at its 16th queued message. */
const HIGH_WATER_MARK = 16;
const deps = createTelemetryDeps({ logger: { format: 'json', level: 'error' } });
let bus: NatsBus;
let server: BusServer;

before(async () => {
  bus = await startNatsBus({ nodes: 1, dir: mkdtempSync(join(tmpdir(), 'streamlab-bus-')) });
  // No ticks: the only events are the test's Notify texts, so every id is known.
  server = await startBusServer(deps, bus.urls, ['--tick-ms', '0']);
});
after(async () => {
  server?.client.close();
  server?.cli.child.kill('SIGTERM');
  await server?.cli.done;
  await bus?.close();
});

/** Notify `text` on `topic` through the server; resolves with the reply's `delivered`. */
async function notify(topic: string, text: string): Promise<number> {
  return (await server.client.notify({ topic, text }).response)?.delivered ?? Number.NaN;
}

test('a replay that fills the write buffer at its last event, then an event during the drain: every id once', async () => {
  const topic = 'handoff';
  // Ids 1 … 17: a resume after id 1 replays 16 events, the last of which fills the buffer.
  for (let id = 1; id <= HIGH_WATER_MARK + 1; id++) await notify(topic, `kept ${id}`);

  const proto = loadStreamlabProto().streamlab.v1.Ticker.service.Subscribe;
  const session = http2.connect(`http://${server.target}`, { settings: { initialWindowSize: 0 } });
  session.on('error', () => {});
  try {
    const stream = session.request({ ':method': 'POST', ':path': '/streamlab.v1.Ticker/Subscribe', 'content-type': 'application/grpc', te: 'trailers' });
    stream.on('error', () => {});
    stream.end(grpcFrame(proto.requestSerialize({ topic, count: 0, follow: true, resumeAfterId: 1 })));
    const ids: number[] = [];
    const arrived = new Set<() => void>();
    let pending = Buffer.alloc(0);
    stream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
        const length = pending.readUInt32BE(1);
        ids.push((proto.responseDeserialize(pending.subarray(5, 5 + length)) as Event__Output).id);
        pending = pending.subarray(5 + length);
      }
      for (const check of arrived) check();
    });
    /** Resolves once id `id` (or a later one) arrived. */
    const until = (id: number) => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no id ${id} within ${BOUND_MS} ms; ids: ${ids.join(',')}`)), BOUND_MS);
      const check = () => {
        if (!ids.some((seen) => seen >= id)) return;
        clearTimeout(timer);
        arrived.delete(check);
        resolve();
      };
      arrived.add(check);
      check();
    });
    const [headers] = (await once(stream, 'response')) as [http2.IncomingHttpHeaders];
    assert.equal(headers[':status'], 200);
    assert.equal(ids.length, 0, 'the window is closed: nothing sent yet');

    // The catch-up waits for 'drain'; this event reaches the log (and the follower's listener) meanwhile.
    assert.equal(await notify(topic, 'during the drain'), 1, 'the follower listens');
    session.settings({ initialWindowSize: 1 << 20 }); // the drain comes
    // The replay's last event here means the server's drain came and its catch-up went on
    // (both before it sent that event on); then one more event, live.
    await until(HIGH_WATER_MARK + 1);
    await notify(topic, 'after');
    const last = HIGH_WATER_MARK + 3;
    await until(last);
    assert.deepEqual(ids, Array.from({ length: last - 1 }, (_, index) => index + 2), 'ids 2 … 19, each once');
  } finally {
    session.destroy();
  }
});
