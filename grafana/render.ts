/**
 * Turns a dashboard model into the exact text committed under grafana/dashboards/: object
 * keys sorted at every level (so the order does not depend on the order of builder calls),
 * 2-space indent, trailing newline. Functions and undefined values (SDK internals) are dropped,
 * as JSON.stringify drops them.
 */
import { DASHBOARDS } from './dashboards-src/index.ts';
import type { DashboardSource } from './dashboards-src/index.ts';
import { fileURLToPath } from 'node:url';

/** The directory the generated JSON lives in. */
export const DASHBOARDS_DIR = fileURLToPath(new URL('./dashboards/', import.meta.url));

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

/** The canonical JSON text of `model`. */
export function renderJson(model: unknown): string {
  // A JSON round trip first drops functions and undefined the way Grafana would never see them.
  return `${JSON.stringify(sortKeys(JSON.parse(JSON.stringify(model))), null, 2)}\n`;
}

/** One generated file: its name under grafana/dashboards/ and its text. */
export interface RenderedDashboard {
  file: string;
  text: string;
}

/** Renders every dashboard source (default: all of grafana/dashboards-src/index.ts). */
export function renderDashboards(sources: readonly DashboardSource[] = DASHBOARDS): RenderedDashboard[] {
  return sources.map((source) => ({ file: source.file, text: renderJson(source.build()) }));
}
