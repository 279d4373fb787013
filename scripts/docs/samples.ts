/**
 * The sample outputs the docs show, declared once: which command, against what, into which
 * file. Each sample is a block of its Markdown file between `<!-- sample:NAME start -->` and
 * `<!-- sample:NAME end -->`, written by `npm run docs:samples` (scripts/docs-samples.ts) from
 * a real run and checked by test/docs/samples.test.ts, which runs the same commands and
 * compares after normalizing what legitimately varies (scripts/docs/normalize-sample.ts).
 *
 * Keep the set cheap: the test runs every sample, side by side (about 15 s in all).
 */

/** One sample output. */
export interface Sample {
  /** Its name in the markers, `[a-z0-9-]+`. */
  name: string;
  /** The Markdown file that holds it, relative to the repository root. */
  file: string;
  /**
   * `streamlab` arguments. `{target}` stands for the sample server's gRPC address and
   * `{metrics}` for its /metrics URL (shown as 127.0.0.1:50051 and
   * http://127.0.0.1:9464/metrics, the defaults of `streamlab serve`).
   */
  args: readonly string[];
  /** Needs a `streamlab serve` running (started on free ports, stopped after). */
  server?: boolean;
  /** The exit code the command must end with. */
  exitCode: number;
  /** Kill it and fail after this many ms. */
  boundMs: number;
}

/** Every sample of the docs, in the order they are run. */
export const SAMPLES: readonly Sample[] = [
  { name: 'npm-start', file: 'README.md', args: ['run'], exitCode: 0, boundMs: 60_000 },
  { name: 'scenarios', file: 'docs/scenarios.md', args: ['scenarios'], exitCode: 0, boundMs: 30_000 },
  { name: 'client-no-server', file: 'docs/by-hand.md', args: ['client', '--target', '127.0.0.1:1'], exitCode: 1, boundMs: 30_000 },
  { name: 'client-simple', file: 'docs/by-hand.md', args: ['client', '--target', '{target}', '--count', '3', '--interval-ms', '200'], server: true, exitCode: 0, boundMs: 30_000 },
  {
    name: 'client-ack', file: 'docs/by-hand.md', server: true, exitCode: 0, boundMs: 60_000,
    args: ['client', '--target', '{target}', '--mode', 'ack', '--count', '10', '--interval-ms', '200', '--drop-rate', '0.1', '--seed', '4'],
  },
  {
    name: 'load-serve', file: 'docs/load.md', server: true, exitCode: 0, boundMs: 60_000,
    args: ['load', '--target', '{target}', '--method', 'streamlab.v1.Ticker/Subscribe', '--data', '{"topic":"demo","count":5,"interval_ms":100}',
      '--streams', '10', '--duration', '3s', '--server-metrics', '{metrics}'],
  },
  ...(['draft', 'fixed'] as const).map((which) => ({
    name: `alerts-${which}`, file: 'docs/alerts.md', exitCode: 0, boundMs: 120_000,
    args: ['alerts', 'test', `examples/alerts/silent-streams${which === 'draft' ? '-draft' : ''}.rules.yml`, '--scenarios', 'blackhole,server-suspend,disconnect,server-stop'],
  })),
  {
    name: 'alerts-share', file: 'docs/alerts.md', exitCode: 0, boundMs: 120_000,
    args: ['alerts', 'test', 'examples/alerts/silent-streams.rules.yml', '--scenarios', 'blackhole,server-suspend', '--share', '2%'],
  },
];

/** The addresses shown in the docs for `{target}` and `{metrics}`: `streamlab serve`'s defaults. */
export const SHOWN_SERVER = { target: '127.0.0.1:50051', metrics: 'http://127.0.0.1:9464/metrics' } as const;
