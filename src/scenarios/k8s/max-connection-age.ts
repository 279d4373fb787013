/**
 * Lab `max-connection-age`: pods started with `--max-connection-age-ms` and
 * `--max-connection-age-grace-ms` (grpc-js `grpc.max_connection_age_ms` / `_grace_ms`, gRFC
 * A9) behind a headless Service (a real DNS server). Six subscribers stream from two pods; a
 * third becomes ready and joins the DNS answer, and gets nothing (lesson new-backend-unused).
 * When a connection reaches its age the server sends GOAWAY: the channel re-resolves and finds
 * the new pod; the streams still open after the grace end UNAVAILABLE (server_shutdown,
 * src/server/connection-age.ts); each subscriber re-subscribes after its backoff and resumes
 * after its last event id, without a gap, and the new pod takes its share.
 */
import { nowMs } from '../../core/clock.ts';
import type { ScenarioLab } from '../scenario.ts';
import { startHeadlessWorld } from './headless-world.ts';
import { startLabSubscribers } from './lab-subscriber-process.ts';
import { runLab } from './lab-run.ts';
import { aQueriesSince, DNS_MIN_RESOLUTION_MS, podSpread, viewsWhen } from './new-backend-unused.ts';

/** serve --max-connection-age-ms (grpc-js adds ±10 % jitter), ms. */
export const MAX_AGE_MS = 4_000;
/** serve --max-connection-age-grace-ms, ms. */
export const MAX_AGE_GRACE_MS = 500;
const SUBSCRIBERS = 6;

export const MAX_CONNECTION_AGE_LAB: ScenarioLab = {
  cause: `pods GOAWAY connections older than ${MAX_AGE_MS} ms and end their streams ${MAX_AGE_GRACE_MS} ms later`,
  lane: 'network (DNS, max age)',
  run: (deps, scenario) => runLab(deps, scenario, async (lab) => {
    // Keepalive off on both sides: grpc-js 1.14 sends its next keepalive PING on the session it
    // closed after the GOAWAY, the PING fails at once, and the side that sent it destroys the
    // connection before the grace ends — the client (grpc/grpc-node#3068) and the server alike.
    // The lesson says so; here the grace runs out as designed.
    const world = await startHeadlessWorld(lab, 100, { keepaliveTimeMs: 600_000, maxConnectionAge: { ageMs: MAX_AGE_MS, graceMs: MAX_AGE_GRACE_MS } });
    const [srv1, srv2, srv3] = await world.startPods(3);
    world.answer([srv1!, srv2!]);
    lab.begin();
    const zeroMs = nowMs();
    const subscribers = await startLabSubscribers(lab, { target: world.target, count: SUBSCRIBERS, warm: 2, dnsMinResolutionMs: DNS_MIN_RESOLUTION_MS });
    const before = await viewsWhen(subscribers, (views) => views.length === SUBSCRIBERS && views.every((view) => view.state === 'streaming'), 10_000);
    if (!before) return void lab.mismatch(`the ${SUBSCRIBERS} subscribers did not all stream within 10 s`);
    const joinedAtMs = nowMs();
    world.answer([srv1!, srv2!, srv3!]);
    lab.act('dns', joinedAtMs, `${srv3!.id} ready: the DNS answer has 3 addresses`);
    lab.finding(`before: ${podSpread(before, world)}; ${srv3!.id} joins the DNS answer at +${Math.round(joinedAtMs - zeroMs)} ms and gets nothing`);
    const bound = MAX_AGE_MS * 1.1 + MAX_AGE_GRACE_MS + 10_000;
    const after = await viewsWhen(subscribers, (views) => views.every((view) => view.reconnects >= 1 && view.state === 'streaming'), bound);
    if (!after) return void lab.mismatch(`not every subscriber was cut and streamed again within ${bound} ms`);
    const causes = [...new Set(after.map((view) => view.last_end_cause))].join(', ');
    // The first A query after the pod joined is the channel's answer to the first GOAWAY.
    const requery = world.dns.queries().find((query) => query.type === 'A' && query.atMs > joinedAtMs);
    if (requery) lab.act('goaway', requery.atMs, 'GOAWAY (max connection age): the channel re-resolves');
    lab.finding(`every connection aged out (GOAWAY at ${MAX_AGE_MS} ms ±10 %); the streams ended ${causes} ${MAX_AGE_GRACE_MS} ms later; DNS asked at ${aQueriesSince(world, joinedAtMs, zeroMs).join(', ') || 'never'}`);
    const gaps = after.reduce((sum, view) => sum + view.gaps, 0);
    const duplicates = after.reduce((sum, view) => sum + view.duplicates, 0);
    lab.finding(`after: ${podSpread(after, world)}; resumed with ${gaps} gap(s), ${duplicates} duplicate(s)`);
    if (gaps !== 0 || duplicates !== 0) lab.mismatch(`resumes had ${gaps} gaps and ${duplicates} duplicates, expected 0 / 0`);
    if (!after.some((view) => world.idOf(view.backend) === srv3!.id)) lab.mismatch(`${srv3!.id} got no stream after the GOAWAY`);
  }),
};
