/**
 * The per-scenario rows of the stream-lifecycle dashboard, as data: each row has a title and
 * makes one panel per scenario column. Every query names its scenario explicitly, so a
 * column always shows its own scenario (promql.ts).
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { Scenario } from '../../src/scenarios/catalogue.ts';
import * as q from './promql.ts';
import { textPanel, timeseriesPanel } from './panels.ts';
import { endCauseTraceLinks, exploreTracesUrl, jaegerSearchUrl, scenarioTraceLinks } from './trace-links.ts';
import { ATTR_SCENARIO } from '../../src/telemetry/semconv.ts';
import { DRIVER_SERVICE } from './refs.ts';

/** One row of scenario columns. */
export interface ScenarioRow {
  /** The row's title (Grafana row panel). */
  title: string;
  /** Builds the panel of `scenario`'s column with panel id `id`. */
  panel(scenario: Scenario, id: number): cog.Builder<dashboard.Panel>;
}

const PANEL_HEIGHT = 7;

/** The rows, top to bottom. */
export const SCENARIO_ROWS: readonly ScenarioRow[] = [
  {
    title: 'Scenarios',
    panel: (s, id) => textPanel({
      id,
      title: s.name,
      description: `What the ${s.name} scenario does; the links open its traces.`,
      height: 4,
      links: scenarioTraceLinks(s.name),
      markdown: [
        `**${s.name}**: ${s.summary}.`,
        '',
        `Traces: [Jaeger UI](${jaegerSearchUrl(DRIVER_SERVICE, { [ATTR_SCENARIO]: s.name })}) · ` +
          `[Explore](${exploreTracesUrl(DRIVER_SERVICE, { [ATTR_SCENARIO]: s.name })}). ` +
          `The root span \`scenario ${s.name}\` holds the expected end causes and the verdict.`,
      ].join('\n'),
    }),
  },
  {
    title: 'Active streams',
    panel: (s, id) => timeseriesPanel({
      id,
      title: `${s.name} · active streams`,
      description: 'Streams open right now, per side. A run lasts 0.3-2 s and Prometheus scrapes every 5 s, so most runs show as a short blip or not at all; the blackhole stream lives longest.',
      height: PANEL_HEIGHT,
      unit: 'short',
      links: scenarioTraceLinks(s.name),
      targets: [{ expr: q.activeStreams(s.name), legend: '{{side}}' }],
    }),
  },
  {
    title: 'Messages per second',
    panel: (s, id) => timeseriesPanel({
      id,
      title: `${s.name} · messages/s`,
      description: 'Messages per second over 1 minute: sent by the server, received by the client. Where the server line is above the client line, the server wrote into a connection that no longer delivered.',
      height: PANEL_HEIGHT,
      unit: 'suffix: msg/s',
      links: scenarioTraceLinks(s.name),
      targets: [{ expr: q.messagesPerSecond(s.name), legend: '{{side}}' }],
    }),
  },
  {
    title: 'End causes',
    panel: (s, id) => timeseriesPanel({
      id,
      title: `${s.name} · end causes (5m)`,
      description: 'Streams that ended in the last 5 minutes, by side and streamlab.end_cause. Exemplar dots link to the trace of one such stream; click a series for the spans that ended that way.',
      height: PANEL_HEIGHT,
      unit: 'short',
      links: scenarioTraceLinks(s.name),
      dataLinks: endCauseTraceLinks(s.name),
      targets: [{ expr: q.endCauses(s.name), legend: '{{side}} {{end_cause}}', exemplar: true }],
    }),
  },
  {
    title: 'Detection latency',
    panel: (s, id) => s.client.kind === 'read-all' && s.network.kind === 'clean'
      ? textPanel({
        id,
        title: `${s.name} · detection latency`,
        description: 'Why this column has no detection latency.',
        height: PANEL_HEIGHT,
        links: scenarioTraceLinks(s.name),
        markdown: `Nothing to detect: in **${s.name}** no one cancels and the network stays clean, so the stream ends when the server says so and no side has to *notice* anything. Compare the cancel, disconnect and blackhole columns.`,
      })
      : timeseriesPanel({
        id,
        title: `${s.name} · detection latency`,
        description: 'Seconds from the cause (the client\'s cancel(), the proxy\'s fault) to each side noticing the end, p50 and p99 over 5 minutes. Only a side in the process that caused it knows the cause time, so in compose only the client (driver) side appears. Exemplar dots link to traces.',
        height: PANEL_HEIGHT,
        unit: 's',
        links: scenarioTraceLinks(s.name),
        targets: [
          { expr: q.detectionQuantile(0.5, s.name), legend: '{{side}} p50', exemplar: true },
          { expr: q.detectionQuantile(0.99, s.name), legend: '{{side}} p99', exemplar: true },
        ],
      }),
  },
  {
    title: 'Backpressure waits',
    panel: (s, id) => timeseriesPanel({
      id,
      title: `${s.name} · backpressure waits/s`,
      description: "Times per second a writer found the transport buffer full (write() returned false) and waited for 'drain', over 5 minutes. 0 means streams ran and none waited; the core scenarios send too little to fill a buffer. In Jaeger these are backpressure.wait spans.",
      height: PANEL_HEIGHT,
      unit: 'short',
      links: scenarioTraceLinks(s.name),
      targets: [{ expr: q.backpressureWaitsPerSecond(s.name), legend: '{{side}}' }],
    }),
  },
];
