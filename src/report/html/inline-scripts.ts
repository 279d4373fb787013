/**
 * The scripts the report inlines, read at write time: d3's minified UMD builds from
 * node_modules (never copied into the repo) and the report's own diagram-view.js.
 *
 * Why d3 (d3-selection, d3-scale, d3-axis): it renders SVG elements, so every lane and
 * event of the diagram is a DOM element with data attributes the browser tests can find
 * and a reader can select and search, and it is small when taken by module rather than
 * whole: the nine UMD files below (d3-scale needs d3-array, d3-interpolate, d3-color,
 * d3-format, d3-time and d3-time-format; d3-array needs internmap) come to about 90 kB
 * minified, against about 280 kB for the full d3 bundle, about 200 kB for Chart.js
 * (canvas) or several MB for Mermaid. d3 is ISC-licensed and maintained by Observable.
 */
import { readFileSync } from 'node:fs';
import { createRequire, findPackageJSON } from 'node:module';
import { dirname, join } from 'node:path';

/** d3 modules in dependency order: each UMD file adds to the one global `d3`. */
export const D3_MODULES = [
  'internmap', 'd3-array', 'd3-color', 'd3-interpolate', 'd3-format', 'd3-time', 'd3-time-format',
  'd3-scale', 'd3-selection', 'd3-axis',
] as const;

type Exports = string | { [condition: string]: Exports };

/**
 * The minified UMD build of package `name`, as its package.json declares it (the `umd`
 * export condition, else the `unpkg` field).
 * @throws Error when the package is not installed or declares no UMD build
 */
export function umdSource(name: string): string {
  const require = createRequire(import.meta.url);
  const manifestPath = findPackageJSON(name, import.meta.url);
  if (!manifestPath) throw new Error(`${name} is not installed (npm install)`);
  const manifest = require(manifestPath) as { exports?: Exports; unpkg?: string };
  const exports = manifest.exports;
  const root = typeof exports === 'object' && '.' in exports ? exports['.'] : exports;
  const umd = typeof root === 'object' && typeof root.umd === 'string' ? root.umd : manifest.unpkg;
  if (!umd) throw new Error(`${name} declares no UMD build`);
  return readFileSync(join(dirname(manifestPath), umd), 'utf8');
}

/** The d3 modules the diagram uses, concatenated, with each file's licence header kept. */
export function d3Source(): string {
  return D3_MODULES.map((name) => umdSource(name).trim()).join('\n');
}

/** The report's own browser code: draws every diagram from its JSON island. */
export function diagramViewSource(): string {
  return readFileSync(new URL('./diagram-view.js', import.meta.url), 'utf8');
}

/**
 * `source` safe inside an inline <script>: `</script` (any case) cannot close it early.
 * Minified code may hold the sequence in a string; `<\/` means the same there.
 */
export function scriptText(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1');
}
