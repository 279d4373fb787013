/**
 * Max connection age (serve --max-connection-age-ms / --max-connection-age-grace-ms, gRFC A9):
 * the aged connection gets GOAWAY (a new call opens a new connection), and a stream still open
 * when the grace runs out ends UNAVAILABLE with end cause server_shutdown on both sides
 * (src/server/connection-age.ts) — not with the RST_STREAM NO_ERROR grpc-js's own cut gives,
 * which a grpc-js client reads as INTERNAL. Real server on port 0, real sockets.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createStreamlabClient } from '../../src/client/streamlab-client.ts';
import { startHarness } from '../helpers/harness.ts';
import type { Harness } from '../helpers/harness.ts';
import { runCli } from '../helpers/cli.ts';

const AGE_MS = 600;
const GRACE_MS = 300;

describe('max connection age', () => {
  let harness: Harness;
  before(async () => {
    // Keepalive far beyond the test: grpc-js 1.14 would otherwise cut the aged connection at
    // its next PING (the PING fails on the session it closed), before the grace ends.
    harness = await startHarness({ server: { keepaliveTimeMs: 600_000, maxConnectionAge: { ageMs: AGE_MS, graceMs: GRACE_MS } } });
  });
  after(() => harness.close());

  test('a stream longer than age + grace ends server_shutdown (UNAVAILABLE) on both sides', async () => {
    const client = createStreamlabClient(harness.deps, { target: harness.target, keepaliveTimeMs: 0 });
    try {
      const startedAt = Date.now();
      const observed = client.subscribe({ topic: 'age', count: 0, intervalMs: 50 } as never);
      observed.call.on('data', () => {});
      const end = await observed.ended;
      const lastedMs = Date.now() - startedAt;
      assert.equal(end.endCause, 'server_shutdown', `client: ${end.endCause} ${end.details}`);
      assert.equal(end.grpcCode, 14);
      assert.match(end.details, /max connection age/);
      // GOAWAY at the age ±10 %, the end a grace later.
      assert.ok(lastedMs >= AGE_MS * 0.9 + GRACE_MS, `ended after ${lastedMs} ms, before age × 0.9 + grace`);
      const server = await harness.observer.nextEnd('server', 2_000);
      assert.equal(server?.endCause, 'server_shutdown');
    } finally {
      client.close();
    }
  });
});

describe('serve flags', () => {
  test('a grace without an age is refused with exit code 2', async () => {
    const run = await runCli(['serve', '--port', '0', '--metrics-port', '0', '--max-connection-age-grace-ms', '1000'], { boundMs: 20_000 });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--max-connection-age-grace-ms needs --max-connection-age-ms/);
  });
});
