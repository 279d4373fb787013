/**
 * The fleet (issue 8) with real child servers, real sockets and real signals: spread over
 * the backends by round robin, re-subscribe with backoff and resume without gaps or
 * duplicates after a kill and after a graceful stop, fan-out Notify across servers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createFleet } from '../../src/fleet/fleet.ts';
import type { Fleet } from '../../src/fleet/fleet.ts';
import type { SubscriberView } from '../../src/fleet/subscriber.ts';
import { createTelemetryDeps } from '../../src/telemetry/create-telemetry-deps.ts';
import { SpanKind } from '@opentelemetry/api';
import { telemetry as pipeline } from '../../src/instrumentation.ts';
import type { SpanCapture } from '../../src/instrumentation.ts';
import { pollProcesses, running } from '../helpers/processes.ts';

const BACKOFF = { initialMs: 300, multiplier: 1.6, jitter: 0.2, maxMs: 5_000 };

/** Counts per backend of the subscribers streaming now. */
function spread(views: readonly SubscriberView[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const view of views) if (view.state === 'streaming' && view.backend) counts.set(view.backend, (counts.get(view.backend) ?? 0) + 1);
  return counts;
}

/** Waits (bounded) until every subscriber streams and has received an event after `afterId`. */
async function allStreamingPast(fleet: Fleet, afterId: number, boundMs = 15_000): Promise<void> {
  const ok = await pollProcesses(() => fleet.listSubscribers().every((view) => view.state === 'streaming' && view.last_event_id > afterId), boundMs);
  assert.ok(ok, `not every subscriber streams past event ${afterId}: ${JSON.stringify(fleet.listSubscribers().filter((v) => v.state !== 'streaming' || v.last_event_id <= afterId).slice(0, 3))}`);
}

describe('fleet', () => {
  let fleet: Fleet;
  let spans: SpanCapture;
  const telemetry = createTelemetryDeps({ logger: { format: 'json', level: 'error' } });

  /** Current value of a fleet metric series. */
  async function metric(name: string, labels: Record<string, string> = {}, series = name): Promise<number> {
    const { values } = await telemetry.metrics.registry.getSingleMetric(name)!.get();
    return values.filter((v) => ((v as { metricName?: string }).metricName ?? name) === series && Object.entries(labels).every(([k, w]) => String(v.labels[k]) === w))
      .reduce((sum, v) => sum + v.value, 0);
  }

  before(async () => {
    spans = pipeline.captureSpans();
    fleet = await createFleet({ telemetry, importSpans: (records) => pipeline.importSpans(records) }, { servers: 3, clients: 30, basePort: 0, tickMs: 100, backoff: BACKOFF, topic: 'fleet' });
  });
  after(async () => {
    await fleet.close();
    spans.stop();
  });

  test('round robin over a warmed channel spreads 30 subscribers evenly over 3 backends', async () => {
    assert.equal(fleet.warmed.length, 3);
    await allStreamingPast(fleet, 0);
    const counts = spread(fleet.listSubscribers());
    assert.deepEqual([...counts.values()].sort(), [10, 10, 10], `spread: ${JSON.stringify([...counts])}`);
    for (const [backend, count] of counts) assert.equal(await metric('streamlab_fleet_subscribers', { backend }), count);
    assert.equal(await metric('streamlab_fleet_subscribers', { backend: 'none' }), 0);
  });

  test('a Notify on one server reaches the subscribers of every server', async () => {
    const { delivered } = await fleet.notify('fleet', 'hello fleet');
    assert.equal(delivered, 30);
    // Fan-out latency: observed once the last of the 30 received it.
    let fanouts = 0;
    for (const until = Date.now() + 5_000; fanouts === 0 && Date.now() < until;) {
      fanouts = await metric('streamlab_fleet_fanout_seconds', {}, 'streamlab_fleet_fanout_seconds_count');
      if (fanouts === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(fanouts, 1);
    assert.ok(fleet.lastFanoutSeconds('fleet')! > 0);
  });

  for (const mode of ['kill', 'stop'] as const) {
    test(`after a server ${mode}, its subscribers back off, resume on the others, 0 gaps, 0 duplicates`, async () => {
      const servers = (await fleet.servers.list()).filter((s) => s.state === 'running');
      const victim = servers[0]!;
      const before = fleet.listSubscribers();
      const moved = before.filter((view) => view.backend === victim.address).map((view) => view.id);
      assert.ok(moved.length > 0, `nobody streams from ${victim.address}`);
      const lastId = fleet.relay.lastId('fleet');
      const reconnectsBefore = await metric('streamlab_fleet_reconnects_total');
      const resumesBefore = await metric('streamlab_fleet_resume_seconds', {}, 'streamlab_fleet_resume_seconds_count');
      const gone = await fleet.servers.stop(victim.id, mode);
      assert.equal(gone.state, mode === 'kill' ? 'killed' : 'stopped');
      assert.equal(running(gone.pid), false);
      await allStreamingPast(fleet, lastId + 3);
      const views = fleet.listSubscribers();
      assert.equal(views.reduce((sum, v) => sum + v.gaps, 0), 0, 'gaps');
      assert.equal(views.reduce((sum, v) => sum + v.duplicates, 0), 0, 'duplicates');
      for (const view of views) assert.notEqual(view.backend, victim.address);
      for (const id of moved) {
        const attempts = fleet.subscriber(id).attempts;
        const index = attempts.findIndex((a) => a.backend === victim.address && a.endCause !== undefined);
        const ended = attempts[index];
        assert.ok(ended, `${id} has no attempt that streamed from ${victim.address}`);
        const expectedCause = mode === 'kill' ? ['connection_closed', 'connection_reset'] : ['server_shutdown'];
        assert.ok(expectedCause.includes(ended.endCause!), `${id} ended ${ended.endCause}`);
        // Every retry after it waited its backoff: attempt n nominal = 300 ms × 1.6^(n-1), ±20 %.
        const retries = attempts.slice(index + 1);
        assert.ok(retries.length >= 1, `${id} did not re-subscribe`);
        for (const [n, retry] of retries.entries()) {
          const delay = retry.delay!;
          assert.equal(delay.attempt, n + 1, `${id}: ${JSON.stringify(retries)}`);
          assert.equal(delay.nominalMs, BACKOFF.initialMs * BACKOFF.multiplier ** n);
          assert.ok(Math.abs(delay.delayMs - delay.nominalMs) <= delay.nominalMs * BACKOFF.jitter + 1e-9, `delay ${delay.delayMs} outside ${delay.nominalMs} ms ± 20 %`);
          const previous = attempts[index + n]!;
          assert.ok(retry.startedAtMs - previous.endedAtMs! >= delay.delayMs - 5, `${id} waited its backoff`);
        }
        const resumed = retries.at(-1)!;
        assert.equal(resumed.afterId > 0, true);
        assert.equal(resumed.gap, 0);
        assert.equal(resumed.reportedGap, 0);
      }
      // Metrics: one reconnect per moved subscriber, by its cause; one time-to-resume each; no gap events.
      const causes = mode === 'kill' ? ['connection_closed', 'connection_reset'] : ['server_shutdown'];
      let byCause = 0;
      for (const cause of causes) byCause += await metric('streamlab_fleet_reconnects_total', { end_cause: cause });
      assert.ok(byCause >= moved.length);
      assert.ok(await metric('streamlab_fleet_reconnects_total') - reconnectsBefore >= moved.length);
      assert.ok(await metric('streamlab_fleet_resume_seconds', {}, 'streamlab_fleet_resume_seconds_count') - resumesBefore >= moved.length);
      assert.equal(await metric('streamlab_fleet_resume_gap_events_total'), 0);
      // Traces: each attempt is its own CLIENT span, linked to the previous attempt's.
      const subscriber = fleet.subscriber(moved[0]!);
      const [previous, latest] = subscriber.attempts.slice(-2);
      const clientSpan = (traceId: string) => spans.spans().find((span) => span.kind === SpanKind.CLIENT && span.spanContext().traceId === traceId);
      assert.ok(await pollProcesses(() => clientSpan(previous!.traceId) !== undefined, 5_000), 'the ended attempt has its CLIENT span');
      const ended = clientSpan(previous!.traceId)!;
      assert.equal(ended.attributes['streamlab.subscriber.id'], subscriber.id);
      assert.equal(ended.attributes['streamlab.end_cause'], previous!.endCause);
      // The latest attempt is still open: stop the subscriber to end it and see its span.
      await fleet.stopSubscribers(subscriber.id);
      const resumedSpan = clientSpan(latest!.traceId)!;
      assert.ok(resumedSpan, 'the resumed attempt has its CLIENT span');
      assert.equal(resumedSpan.attributes['streamlab.resume.after_id'], latest!.afterId);
      assert.equal(resumedSpan.attributes['streamlab.resume.attempt'], latest!.attempt);
      assert.equal(resumedSpan.attributes['streamlab.backend'], latest!.backend);
      assert.deepEqual(resumedSpan.links.map((link) => link.context.spanId), [ended.spanContext().spanId]);
      fleet.addSubscribers(1, 'fleet');
      // the slot is free again: a new server takes it
      const restarted = await fleet.servers.start();
      assert.equal(restarted.address, victim.address);
      assert.equal(restarted.state, 'running');
    });
  }
});
