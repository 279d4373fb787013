/**
 * Links from panels to the traces behind them: Jaeger's own search UI, and Grafana Explore
 * with the Jaeger datasource. Every RPC span carries `streamlab.scenario` and
 * `streamlab.end_cause` (design §4), so both searches filter by those tags.
 *
 * URLs may hold Grafana placeholders (`${__from}`, `${__field.labels.end_cause}`); they are
 * kept verbatim while everything around them is URL-encoded, so Grafana can interpolate them.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DashboardLinkBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { withoutPlacement } from './placement.ts';
import { ATTR_END_CAUSE, ATTR_SCENARIO, ATTR_VERDICT, LABEL_END_CAUSE, LABEL_SCENARIO } from '../../src/telemetry/semconv.ts';
import { DRIVER_SERVICE, JAEGER, JAEGER_UI, SERVER_SERVICE } from './refs.ts';

/** A link builder, as panels, data links and dashboards take it. */
export type Link = cog.Builder<dashboard.DashboardLink>;

/** A plain link to `url`; `newTab` opens it in a new browser tab (for pages outside Grafana). */
export function link(title: string, url: string, newTab = false): Link {
  return withoutPlacement(new DashboardLinkBuilder(title).url(url).targetBlank(newTab));
}

/** A span-tag filter: tag name -> value (values may be Grafana placeholders). */
export type SpanTags = Record<string, string>;

/** encodeURIComponent, except that `${...}` placeholders stay as they are. */
export function encodeKeepingPlaceholders(text: string): string {
  return encodeURIComponent(text).replace(/%24%7B([\w.]+)%7D/g, (_match, name: string) => `\${${name}}`);
}

/** Jaeger UI search for `service` with span tags `tags` over the last hour. */
export function jaegerSearchUrl(service: string, tags: SpanTags): string {
  const query = [
    `service=${encodeURIComponent(service)}`,
    `tags=${encodeKeepingPlaceholders(JSON.stringify(tags))}`,
    'lookback=1h',
    'limit=20',
  ];
  return `${JAEGER_UI}/search?${query.join('&')}`;
}

/**
 * Grafana Explore running a Jaeger search (Jaeger datasource, query type "search", tags in
 * logfmt) over the dashboard's time range.
 */
export function exploreTracesUrl(service: string, tags: SpanTags): string {
  const logfmt = Object.entries(tags).map(([key, value]) => `${key}=${value}`).join(' ');
  const panes = {
    traces: {
      datasource: JAEGER.uid,
      queries: [{ refId: 'A', datasource: JAEGER, queryType: 'search', service, tags: logfmt, limit: 20 }],
      range: { from: '${__from}', to: '${__to}' },
    },
  };
  return `/explore?schemaVersion=1&orgId=1&panes=${encodeKeepingPlaceholders(JSON.stringify(panes))}`;
}

/**
 * Grafana's placeholder for label `name` of the series a data link was clicked on (time
 * series panels: `${__field.labels.<name>}`).
 */
export function seriesLabel(name: string): string {
  return `\${__field.labels.${name}}`;
}

/**
 * Grafana's placeholder for the value of column `name` in the table row a data link was
 * clicked on (table panels, where labels are columns: `${__data.fields.<name>}`).
 */
export function rowField(name: string): string {
  return `\${__data.fields.${name}}`;
}

/**
 * Panel links (the panel header's link menu) to the traces of one scenario.
 * @param scenario a scenario name, or a placeholder for one (then usable as data links too)
 */
export function scenarioTraceLinks(scenario: string): Link[] {
  const tags = { [ATTR_SCENARIO]: scenario };
  return [
    link(`Jaeger: ${scenario} runs (driver traces)`, jaegerSearchUrl(DRIVER_SERVICE, tags), true),
    link(`Explore: ${scenario} traces (Jaeger datasource)`, exploreTracesUrl(DRIVER_SERVICE, tags)),
  ];
}

/**
 * Data links (click a series or an exemplar-less point) from an end-cause series of one
 * scenario to the spans that ended with that cause, on each side's service.
 * @param scenario a scenario name, or a placeholder for one ({@link seriesLabel}, {@link rowField})
 * @param cause the end cause; default: the clicked series' end_cause label
 */
export function endCauseTraceLinks(scenario: string, cause: string = seriesLabel(LABEL_END_CAUSE)): Link[] {
  return [sideEndCauseTraceLink('server', scenario, cause), sideEndCauseTraceLink('client', scenario, cause)];
}

/**
 * A data link to the spans of one side (server: the server's service, client: the driver's)
 * of `scenario` that ended with `cause`; both may be placeholders, as in {@link endCauseTraceLinks}.
 */
export function sideEndCauseTraceLink(side: 'client' | 'server', scenario: string, cause: string): Link {
  const tags = { [ATTR_SCENARIO]: scenario, [ATTR_END_CAUSE]: cause };
  return side === 'server'
    ? link(`Server spans of ${scenario} that ended ${cause}`, exploreTracesUrl(SERVER_SERVICE, tags))
    : link(`Driver (client) spans of ${scenario} that ended ${cause}`, exploreTracesUrl(DRIVER_SERVICE, tags));
}

/**
 * Data links from a series labelled by scenario (the delivery row) to that scenario's spans on
 * each side's service: the server spans carry the delivery.redeliver / delivery.exhausted /
 * delivery.ack events.
 * @param scenario default: the clicked series' scenario label; {@link rowField} for a table row
 */
export function scenarioSeriesTraceLinks(scenario: string = seriesLabel(LABEL_SCENARIO)): Link[] {
  const tags = { [ATTR_SCENARIO]: scenario };
  return [
    link(`Server spans of scenario ${scenario}`, exploreTracesUrl(SERVER_SERVICE, tags)),
    link(`Driver (client) spans of scenario ${scenario}`, exploreTracesUrl(DRIVER_SERVICE, tags)),
  ];
}

/** Jaeger UI search for scenario runs whose verdict was a mismatch (root spans carry streamlab.verdict). */
export function mismatchTracesUrl(): string {
  return jaegerSearchUrl(DRIVER_SERVICE, { [ATTR_VERDICT]: 'mismatch' });
}
