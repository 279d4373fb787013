/**
 * The overview row across all scenarios: how the runs went, how the server's TCP connections
 * closed, and what gRPC status codes each side saw. Four panels, one per column width.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as q from './promql.ts';
import { statPanel } from './panels.ts';
import { link, mismatchTracesUrl } from './trace-links.ts';

const HEIGHT = 5;

/**
 * The overview panels, left to right.
 * @param firstId the id of the first panel; the others follow consecutively
 */
export function overviewPanels(firstId: number): cog.Builder<dashboard.Panel>[] {
  return [
    statPanel({
      id: firstId,
      title: 'Scenario runs by verdict (15m)',
      description: 'Runs of each scenario by the driver in the last 15 minutes, by verdict: ok when both sides ended the way the scenario expects.',
      height: HEIGHT,
      unit: 'short',
      targets: [{ expr: q.scenarioRunsByVerdict(), legend: '{{scenario}} {{verdict}}' }],
    }),
    statPanel({
      id: firstId + 1,
      title: 'Mismatched runs (15m)',
      description: 'Runs whose observed end cause differed from the expected one on either side (alert StreamScenarioVerdictMismatch). The link lists them in Jaeger.',
      height: HEIGHT,
      unit: 'short',
      redAbove: 1,
      links: [link('Jaeger: mismatched runs', mismatchTracesUrl(), true)],
      targets: [{ expr: q.mismatchedRuns(), legend: 'mismatched' }],
    }),
    statPanel({
      id: firstId + 2,
      title: 'Server TCP closes by kind (5m)',
      description: 'Connections the server saw close in the last 5 minutes: fin (peer closed), rst (reset, socket error), local (the server destroyed it, e.g. after a keepalive timeout).',
      height: HEIGHT,
      unit: 'short',
      targets: [{ expr: q.connectionClosesByKind(), legend: '{{close_kind}}' }],
    }),
    statPanel({
      id: firstId + 3,
      title: 'gRPC status by side (5m)',
      description: 'Streams finished in the last 5 minutes by grpc_code (go-grpc-prometheus names), server and client. gRPC alone cannot say why: a reset and a blackhole are both Unavailable to the client.',
      height: HEIGHT,
      unit: 'short',
      targets: [
        { expr: q.handledByCode('server'), legend: 'server {{grpc_code}}' },
        { expr: q.handledByCode('client'), legend: 'client {{grpc_code}}' },
      ],
    }),
  ];
}
