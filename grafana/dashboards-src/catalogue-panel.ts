/**
 * The failure-modes dashboard's scenario catalogue: a Markdown table generated from
 * CATALOGUE (src/scenarios/catalogue.ts), one line per scenario with its RPC kind, what it
 * does and links to its traces. It reads only the fields `name`, `rpc` and `summary`, so the
 * panel follows the catalogue as it grows (regenerate the JSON: `npm run grafana:generate`).
 */
import type { PanelBuilder as TextPanelBuilder } from '@grafana/grafana-foundation-sdk/text';
import type { Scenario } from '../../src/scenarios/catalogue.ts';
import { ATTR_SCENARIO } from '../../src/telemetry/semconv.ts';
import { textPanel } from './panels.ts';
import type { PanelSpec } from './panels.ts';
import { DRIVER_SERVICE } from './refs.ts';
import { exploreTracesUrl, jaegerSearchUrl } from './trace-links.ts';

/** The catalogue fields the panel shows. */
export type CatalogueEntry = Pick<Scenario, 'name' | 'rpc' | 'summary'>;

/** Text made safe for a Markdown table cell: no column breaks, no line breaks. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll(/\s*\n\s*/g, ' ');
}

/** The Markdown: a table, one line per scenario in catalogue order. */
export function catalogueMarkdown(scenarios: readonly CatalogueEntry[]): string {
  const lines = scenarios.map((s) => {
    const tags = { [ATTR_SCENARIO]: s.name };
    const traces = `[Jaeger](${jaegerSearchUrl(DRIVER_SERVICE, tags)}) · [Explore](${exploreTracesUrl(DRIVER_SERVICE, tags)})`;
    return `| \`${cell(s.name)}\` | ${cell(s.rpc)} | ${cell(s.summary)} | ${traces} |`;
  });
  return [
    '| scenario | rpc | what happens | traces |',
    '|---|---|---|---|',
    ...lines,
    '',
    'Each run is one trace: the root span `scenario <name>` holds the expected end causes and the verdict, its CLIENT (driver) and SERVER spans the observed `streamlab.end_cause`.',
  ].join('\n');
}

/**
 * The catalogue panel, tall enough for every line (one grid unit per scenario, plus the
 * header and the note).
 */
export function cataloguePanel(spec: Omit<PanelSpec, 'height'>, scenarios: readonly CatalogueEntry[]): TextPanelBuilder {
  return textPanel({ ...spec, height: scenarios.length + 4, markdown: catalogueMarkdown(scenarios) });
}
