/**
 * `npm run grafana:generate`: writes every dashboard of grafana/dashboards-src/ to
 * grafana/dashboards/*.json and removes JSON files there that no source generates.
 * Prints one line per file; exit code 0.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARDS_DIR, renderDashboards } from './render.ts';

mkdirSync(DASHBOARDS_DIR, { recursive: true });
const rendered = renderDashboards();
const wanted = new Set(rendered.map((d) => d.file));
for (const { file, text } of rendered) {
  const path = join(DASHBOARDS_DIR, file);
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) {
    console.log(`unchanged  grafana/dashboards/${file}`);
  } else {
    writeFileSync(path, text);
    console.log(`${current === undefined ? 'created' : 'updated'}    grafana/dashboards/${file}`);
  }
}
for (const file of readdirSync(DASHBOARDS_DIR)) {
  if (file.endsWith('.json') && !wanted.has(file)) {
    rmSync(join(DASHBOARDS_DIR, file));
    console.log(`removed    grafana/dashboards/${file} (no source in grafana/dashboards-src/index.ts)`);
  }
}
