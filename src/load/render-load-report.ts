/**
 * The text summary of a load run (`streamlab load` without --json): what ran, the
 * counts and rates, the three latency lines, then the client-side end causes as a table of
 * end_cause × gRPC code → streams, and the server-side causes when they were scraped.
 */
import Table from 'cli-table3';
import type { LoadReport } from './load-report.ts';
import type { Latency } from './load-stats.ts';

const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;

/** `p50 1.20 ms  p95 3.40 ms  p99 3.60 ms  max 4.00 ms  (37)`, or `-`. */
function latencyLine(latency: Latency | null): string {
  if (!latency) return '-';
  return `p50 ${ms(latency.p50)}  p95 ${ms(latency.p95)}  p99 ${ms(latency.p99)}  max ${ms(latency.max)}  (n=${latency.count})`;
}

/** Renders the report; `color` paints table heads and borders. */
export function renderLoadReport(report: LoadReport, color = false): string {
  const style = { head: color ? ['cyan'] : [], border: color ? ['grey'] : [] };
  const seconds = (value: number) => `${(value / 1000).toFixed(1)} s`;
  const rate = report.rate === null ? '' : `, ${report.rate}/s per stream`;
  const lines = [
    `${report.method} (${report.rpc}) on ${report.target}: ${report.streams} streams for ${seconds(report.duration_ms)}${rate}` +
      `${report.scenario ? `, scenario ${report.scenario}` : ''}; schema from ${report.schema}`,
    ...(report.interrupted ? ['interrupted: the run was stopped early'] : []),
    `streams opened         ${report.opened} in ${seconds(report.elapsed_ms)} (${report.ended_by_run} still open at the end, cancelled by the run)`,
    `messages sent          ${report.messages.sent} (${report.messages.sent_per_s}/s)`,
    `messages received      ${report.messages.received} (${report.messages.received_per_s}/s)`,
    `connect latency        ${latencyLine(report.connect_ms)}`,
    `time to first message  ${latencyLine(report.first_message_ms)}`,
    `inter-arrival          ${latencyLine(report.inter_arrival_ms)}`,
    '',
    'client end causes:',
  ];
  const client = new Table({ head: ['end cause', 'gRPC code', 'streams', 'ended by the run'], style, colAligns: ['left', 'left', 'right', 'right'] });
  for (const row of report.ends) client.push([row.end_cause, row.grpc_code, row.count, row.ended_by_run || '']);
  if (report.ends.length === 0) client.push([{ colSpan: 4, content: '(no stream ended)' }]);
  lines.push(client.toString());
  const server = report.server_ends;
  if (server) {
    lines.push('', `server end causes (${server.url}, scenario ${server.scenario}, ${server.grpc_service}):`);
    const table = new Table({ head: ['end cause', 'streams'], style, colAligns: ['left', 'right'] });
    for (const row of server.ends) table.push([row.end_cause, row.count]);
    if (server.ends.length === 0) table.push([{ colSpan: 2, content: '(none seen)' }]);
    lines.push(table.toString());
  }
  return lines.join('\n');
}
