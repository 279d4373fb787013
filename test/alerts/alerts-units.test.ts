/**
 * The pure parts of `streamlab alerts test`: promtool's expanding notation, PromQL
 * selectors and the warnings about them, the traffic profile's arithmetic, and reading
 * what promtool prints (first firing times, firing alerts, Go-quoted labels, durations).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandingNotation, formatValue } from '../../src/alerts/series-notation.ts';
import { selectorsOf } from '../../src/alerts/promql-selectors.ts';
import { streamlabVocabulary } from '../../src/alerts/exported-series.ts';
import { selectorWarnings } from '../../src/alerts/selector-warnings.ts';
import { buildProfile } from '../../src/alerts/traffic-profile.ts';
import type { CapturedRun } from '../../src/alerts/capture-run.ts';
import type { Sample } from '../../src/alerts/series-snapshot.ts';
import { seriesKey } from '../../src/alerts/series-snapshot.ts';
import { parseFiringTimes } from '../../src/alerts/firing-times.ts';
import { parseObservations } from '../../src/alerts/observed-alerts.ts';
import { parseDurationS, parseLabelSet } from '../../src/alerts/go-labels.ts';
import { durationText } from '../../src/alerts/test-file.ts';
import { parseRate, parseShare } from '../../src/cli/alerts-options.ts';

test('expanding notation: runs of one step become one term, missing samples _xN, no exponents', () => {
  assert.equal(expandingNotation([undefined, undefined, 0, 2, 4, 6]), '_x2 0+2x3');
  assert.equal(expandingNotation([undefined, 5]), '_ 5');
  assert.equal(expandingNotation([3, 3, 3, 7, 5, 3, 1]), '3x2 7-2x3');
  assert.equal(expandingNotation([1, 2, 4]), '1 2 4');
  assert.equal(expandingNotation([0.1, 0.2, 0.30000000000000004]), '0.1+0.1x2');
  assert.equal(formatValue(1e-7), '0.0000001');
  assert.equal(formatValue(-0), '0');
});

test('selectors: metric names (identifier, __name__, quoted), matchers with their values unescaped', () => {
  const { selectors, errorAt } = selectorsOf('sum(rate(a_total{x=~"p|q", y!="q\\"z"}[5m])) / {__name__="b", c="d"} or {"c.d", e=`raw\\n`} > bool 0');
  assert.equal(errorAt, undefined);
  assert.deepEqual(selectors.map((selector) => selector.metric), ['a_total', 'b', 'c.d']);
  assert.deepEqual(selectors[0]!.matchers, [{ label: 'x', op: '=~', value: 'p|q' }, { label: 'y', op: '!=', value: 'q"z' }]);
  assert.deepEqual(selectors[2]!.matchers, [{ label: 'e', op: '=', value: 'raw\\n' }]);
  assert.notEqual(selectorsOf('sum(rate(x[5m])').errorAt, undefined);
});

const vocabulary = streamlabVocabulary();
const warn = (expr: string) => selectorWarnings({ file: 'r.yml', group: 'g', alert: 'A', expr, line: 7 }, vocabulary, new Set(['job:x:rate5m'])).map((warning) => `${warning.kind}: ${warning.message}`);

test('warnings name the closest real metric, label and value', () => {
  assert.deepEqual(warn('rate(streamlab_stream_end_total[5m]) > 0'), ['unknown-metric: streamlab exports no series streamlab_stream_end_total (did you mean streamlab_stream_ends_total?)']);
  assert.match(warn('rate(streamlab_stream_ends_total{cause="x"}[5m])')[0]!, /^unknown-label: streamlab_stream_ends_total has no label cause \(did you mean end_cause\?\)/);
  assert.match(warn('rate(streamlab_stream_ends_total{end_cause="keepalive_timout"}[5m])')[0]!, /keepalive_timout.* matches nothing.*did you mean keepalive_timeout\?/);
  assert.match(warn('job:x:rate5m{end_cause=~"connection_rst|keepalive_timeout"} > 0')[0]!, /"connection_rst" is no end_cause .*did you mean connection_reset\?/);
  assert.match(warn('rate(streamlab_stream_ends_total{side!="servr"}[5m])')[0]!, /side!="servr" excludes nothing.*did you mean server\?/);
  assert.match(warn('up == 0')[0]!, /^prometheus-series: up is made by Prometheus itself/);
  assert.match(warn('increase(streamlab_scenario_runs_total[5m]) > 0')[0]!, /^not-in-profiles: streamlab_scenario_runs_total is the scenario runner's own bookkeeping/);
  // Clean selectors, target labels and le are fine; open-ended labels (grpc_service) are not checked.
  assert.deepEqual(warn('histogram_quantile(0.9, rate(streamlab_detection_seconds_bucket{le="1",job="server",grpc_service="my.Svc",end_cause=~"connection_.*"}[5m]))'), []);
});

test('a grpc_code spelt the canonical way is pointed at go-grpc-prometheus\'s spelling, which streamlab exports', () => {
  assert.deepEqual(warn('rate(grpc_server_handled_total{grpc_code="UNAVAILABLE"}[5m]) > 0'), [
    'grpc-code-spelling: grpc_code="UNAVAILABLE": UNAVAILABLE is the canonical gRPC spelling; streamlab exports go-grpc-prometheus\'s (Go\'s codes.Code names), so write grpc_code="Unavailable"',
  ]);
  assert.match(warn('rate(grpc_client_handled_total{grpc_code=~"CANCELLED|DeadlineExceeded"}[5m]) > 0')[0]!, /write grpc_code=~"Canceled\|DeadlineExceeded"/);
  assert.deepEqual(warn('rate(grpc_client_handled_total{grpc_code="Canceled"}[5m]) > 0'), []);
});

/** A captured run whose one stream added `value` to each of `series` on the given side. */
function run(scenario: string, series: Record<string, number>, side: { detectionS: number; openS: number }, extra: Partial<CapturedRun> = {}): CapturedRun {
  const samples = new Map<string, Sample>();
  for (const [name, value] of Object.entries(series)) {
    const [family, labels] = name.split('|') as [string, string];
    const labelSet = Object.fromEntries(labels.split(',').map((pair) => pair.split('=') as [string, string]));
    samples.set(seriesKey(family, labelSet), { name: family, family, labels: labelSet, kind: family.endsWith('_active') ? 'gauge' : 'counter', value });
  }
  const captured = { detectionS: side.detectionS, openS: side.openS, beforeCauseS: side.openS };
  return { scenario, ok: true, mismatches: [], samples, presentBefore: new Set(), client: captured, server: captured, clientNoticedNothing: false, wallMs: 1, ...extra };
}

test('a profile: whole streams at the rate, the share after the fault, detection delays, relabelled scenario, open-stream gauges', () => {
  const baseline = run('completion', { 'streamlab_stream_ends_total|side=server,end_cause=completed,scenario=completion': 1, 'streamlab_streams_active|side=server,scenario=completion': 0 }, { detectionS: 0, openS: 30 });
  const fault = run('blackhole', { 'streamlab_stream_ends_total|side=server,end_cause=keepalive_timeout,scenario=blackhole': 1, 'streamlab_scenario_runs_total|scenario=blackhole,verdict=ok': 1 }, { detectionS: 20, openS: 25 });
  const options = { ratePerMin: 60, share: 0.25, minutes: 2, faultAtS: 60, scrapeIntervalS: 15, scenarioLabel: 'none' };
  const profile = buildProfile(baseline, fault, options);
  const byKey = new Map(profile.series.map((series) => [series.key, series.values]));
  assert.deepEqual([...byKey.keys()], [
    'streamlab_stream_ends_total{end_cause="completed",scenario="none",side="server"}',
    'streamlab_stream_ends_total{end_cause="keepalive_timeout",scenario="none",side="server"}',
    'streamlab_streams_active{scenario="none",side="server"}',
  ]); // the runner's bookkeeping is not traffic
  // 1 stream/s until 60 s, then 0.75/s like the baseline: 60 + 0.75·(t − 60).
  assert.deepEqual(byKey.get('streamlab_stream_ends_total{end_cause="completed",scenario="none",side="server"}'), [undefined, 15, 30, 45, 60, 71, 82, 93, 105]);
  // 0.25/s from 60 s, each counted 20 s after its fault: absent until the first one.
  assert.deepEqual(byKey.get('streamlab_stream_ends_total{end_cause="keepalive_timeout",scenario="none",side="server"}'), [undefined, undefined, undefined, undefined, undefined, undefined, 2, 6, 10]);
  // Open streams: those ending in the next 30 s (Little's law), present from the first open.
  assert.deepEqual(byKey.get('streamlab_streams_active{scenario="none",side="server"}'), [30, 30, 30, 26, 22, 22, 23, 23, 22]);
  const quiet = buildProfile(baseline, undefined, options);
  assert.equal(quiet.baseline, true);
  assert.deepEqual(quiet.series[0]!.values, [undefined, 15, 30, 45, 60, 75, 90, 105, 120]);
  const kept = buildProfile(baseline, fault, { ...options, scenarioLabel: undefined });
  assert.ok(kept.series.some((series) => series.key.includes('scenario="blackhole"')));
});

test('reading promtool: first firing times, firing alerts with Go-quoted labels, durations', () => {
  const times = parseFiringTimes({ code: 1, stderr: '', stdout: [
    '  FAILED:',
    '    expr: "label_replace(…)", time: 30m,',
    '        exp: nil',
    '        got: {alertname="B", profile="2", window="after"} 7.35E+02, {alertname="A\\"x", profile="0", window="before"} 4.5E+01',
  ].join('\n') });
  assert.deepEqual([...times.get(2)!], [['B', { afterFaultS: 735 }]]);
  assert.deepEqual([...times.get(0)!], [['A"x', { beforeFaultS: 45 }]]);
  assert.throws(() => parseFiringTimes({ code: 1, stdout: '    rule: R, time: 15s, err: vector contains metrics with the same labelset', stderr: '' }), /could not evaluate the rules/);
  const observed = parseObservations({ code: 1, stderr: '', stdout: [
    '  FAILED:',
    '    name: blackhole: 600 streams/min,',
    '    alertname: K, time: 12m15s, ',
    '        exp:[], ',
    '        got:[',
    '            0:',
    '              Labels:{alertname="K", side="client"}',
    '              Annotations:{d="a\\tb \\u00e9 → \\"q\\"\\x41"}',
    '            ]',
  ].join('\n') });
  assert.deepEqual(observed.get('blackhole: 600 streams/min')?.get('K@735'), [{ exp_labels: { side: 'client' }, exp_annotations: { d: 'a\tb é → "q"A' } }]);
  assert.deepEqual(parseLabelSet('{}'), {});
  assert.equal(parseDurationS('1h2m15s'), 3735);
  assert.equal(durationText(3735), '1h2m15s');
  assert.equal(durationText(0), '0s');
  assert.throws(() => parseDurationS('2x'), /not a duration/);
});

test('--rate and --share values', () => {
  assert.equal(parseRate('600/min'), 600);
  assert.equal(parseRate('10/s'), 600);
  assert.equal(parseRate('3000/h'), 50);
  assert.throws(() => parseRate('600'), /expected streams per time such as 600\/min.*got "600"/);
  assert.equal(parseShare('5%'), 0.05);
  assert.equal(parseShare('0.25'), 0.25);
  assert.throws(() => parseShare('150%'), /at most 100%.*got "150%"/);
  assert.throws(() => parseShare('0'), /above 0/);
});
