/**
 * The report's stylesheet: system fonts only (nothing to fetch), light and dark through
 * `prefers-color-scheme`, the diagram's SVG classes, and a print layout (light colours,
 * one scenario per page where it fits, link targets written out).
 */
export const PAGE_STYLE = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1d232b; --muted: #5b6673; --line: #d5dbe2; --panel: #f5f7fa;
  --ok: #1a7f37; --bad: #c62828; --accent: #0b5cad; --client: #1f6feb; --server: #8250df;
  --middle: #bf5700; --band: #9fb7d6; --detect: #d1242f; --code-bg: #eef1f5;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #11151a; --fg: #e3e8ee; --muted: #98a4b3; --line: #2f3842; --panel: #1a2028;
    --ok: #4ac26b; --bad: #ff7b72; --accent: #6cb6ff; --client: #58a6ff; --server: #bc8cff;
    --middle: #f0883e; --band: #3a5678; --detect: #ff7b72; --code-bg: #222a33;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0 auto; max-width: 1100px; padding: 1.5rem 1.25rem 3rem; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 0 0 .25rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .35rem; }
h4 { font-size: .95rem; margin: .9rem 0 .2rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
p, ol, ul, dl { margin: .3rem 0 .6rem; }
a { color: var(--accent); }
code { font: .88em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--code-bg); padding: .05em .3em; border-radius: 3px; }
.meta, .muted { color: var(--muted); }
.table-scroll { overflow-x: auto; margin: 1rem 0 .5rem; }
table.summary { border-collapse: collapse; width: 100%; font-size: .8rem; }
table.summary th, table.summary td { border: 1px solid var(--line); padding: .25rem .4rem; text-align: left; vertical-align: top; }
table.summary th { background: var(--panel); }
.verdict-ok { color: var(--ok); font-weight: 600; }
.verdict-mismatch { color: var(--bad); font-weight: 700; }
.small { font-size: .8rem; color: var(--muted); }
section.scenario { border-top: 2px solid var(--line); margin-top: 2rem; padding-top: 1rem; }
section.scenario[data-ok="false"] > h2::after { content: "  MISMATCH"; color: var(--bad); font-size: .9rem; }
.mismatches { color: var(--bad); }
dl.sides { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; }
dl.sides dt { font-weight: 600; }
dl.sides dd { margin: 0; }
figure.diagram { margin: 1rem 0; padding: .5rem; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
figure.diagram figcaption { font-size: .85rem; color: var(--muted); margin-top: .3rem; }
figure.diagram svg { display: block; font-size: 11px; font-family: inherit; }
.diagram-error { color: var(--bad); }
svg .axis text, svg .axis-title { fill: var(--muted); }
svg .axis path, svg .axis line { stroke: var(--muted); }
svg .lane-head { fill: var(--bg); stroke: var(--line); }
svg .lane-label { fill: var(--fg); font-weight: 600; font-size: 12px; }
svg .lifeline { stroke: var(--muted); stroke-dasharray: 4 3; }
svg [data-lane="client"] .lane-head { stroke: var(--client); }
svg [data-lane="server"] .lane-head { stroke: var(--server); }
svg [data-lane="network"] .lane-head, svg [data-lane="process"] .lane-head { stroke: var(--middle); }
svg .label, svg .note { paint-order: stroke; stroke: var(--panel); stroke-width: 4px; stroke-linejoin: round; }
svg .label { fill: var(--fg); }
svg .label .time { fill: var(--muted); }
svg .marker { fill: var(--fg); stroke: var(--bg); stroke-width: 1.5; }
svg [data-side="client"] .marker { fill: var(--client); }
svg [data-side="server"] .marker { fill: var(--server); }
svg [data-event="fault"] .marker, svg [data-event="resume"] .marker { fill: var(--middle); }
svg [data-event="stream.end"] .marker { stroke: var(--fg); stroke-width: 2; }
svg [data-event="stream.cancel"] .marker, svg [data-event="keepalive.timeout"] .marker, svg [data-event="transport.close"] .marker { fill: var(--detect); }
svg .band { fill: var(--band); opacity: .8; }
svg .tick { stroke: var(--fg); stroke-width: .6; opacity: .55; }
svg .leader { stroke: var(--muted); fill: none; stroke-width: .7; }
svg .bracket { stroke: var(--detect); fill: none; stroke-width: 1.6; }
svg .signal { stroke: var(--detect); stroke-width: 1.1; stroke-dasharray: 5 3; opacity: .8; }
svg .arrowhead { fill: var(--detect); }
svg .detection-label { fill: var(--detect); font-weight: 600; }
svg .note { fill: var(--muted); font-style: italic; }
.lesson { margin-top: 1rem; padding: .6rem 1rem; border-left: 4px solid var(--accent); background: var(--panel); border-radius: 0 6px 6px 0; }
.lesson.missing { border-left-color: var(--muted); color: var(--muted); }
.lesson ol { padding-left: 1.4rem; }
.trace { font-size: .9rem; }
code.trace-id { word-break: break-all; }
footer { margin-top: 3rem; font-size: .8rem; color: var(--muted); }
@media print {
  :root { color-scheme: light; --bg: #fff; --fg: #000; --muted: #444; --panel: #fff; --line: #bbb; --code-bg: #f0f0f0; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  .table-scroll { overflow: visible; }
  table.summary { font-size: 7.5pt; }
  section.scenario { break-before: page; border-top: none; }
  figure.diagram, .lesson, table.summary tr { break-inside: avoid; }
  a.trace-link::after { content: " (" attr(href) ")"; font-size: .8em; }
}
`;
