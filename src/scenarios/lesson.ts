/**
 * The lesson of a scenario (issue 10): what happens on the wire, what each side's gRPC
 * library reports and why that alone misleads, how streamlab tells the causes apart, where
 * to look in Jaeger and Grafana, and which alert would fire. Each lives in its scenario's
 * module (src/scenarios/catalogue/) and feeds the HTML report (`run --html`), `streamlab
 * scenarios --explain NAME` and the tour in docs/scenarios.md.
 *
 * Conventions of every lesson: plain sentences ending with a full stop; `code` in backticks;
 * Grafana dashboard and panel titles in double quotes, exactly as generated (the common ones
 * are in src/scenarios/lessons/dashboards.ts); test/scenarios/lessons.test.ts checks the titles and the
 * alert names against the files.
 */

/** One scenario's lesson. Plain sentences; `code` spans written with backticks. */
export interface Lesson {
  /** What happens on the wire, in order: HTTP/2 frames and TCP segments (RST_STREAM CANCEL, FIN, RST, PING without ACK, GOAWAY …). */
  wire: string[];
  /** What each side's gRPC library (grpc-js) reports, and why that alone misleads. */
  library: { client: string; server: string; misleads: string };
  /** How streamlab tells this ending apart from the others (socket fate, trailer, cause clock …). */
  streamlab: string;
  /** What to look at in Jaeger: service, span names, the `streamlab.end_cause` tag, events. */
  jaeger: string;
  /** What to look at in Grafana: dashboard and panel. */
  grafana: string;
  /** The alert rule that would fire (a name in prometheus/rules/streamlab.rules.yml) and when; null when none should, with `quiet` saying why. */
  alert: { rule: string; when: string } | null;
  /** With `alert` null: why no alert fires for this ending. */
  quiet?: string;
}

/**
 * The sentence every lesson ends its alert part with: how to check one's own rules against
 * this ending (`streamlab alerts test`, issue 17), with `code` spans in backticks.
 */
export function alertsMatrixHint(scenario: string): string {
  return `Check your own rules against this ending: \`streamlab alerts test RULES.yml --scenarios ${scenario}\` prints the alerts matrix (docs/alerts.md).`;
}
