/**
 * A traffic profile over simulated time, built from real runs (issue 17): streams end at
 * `ratePerMin`, all like the baseline run until `faultAtS`, then `share` of them like the
 * scenario's run; every series is sampled every `scrapeIntervalS` as Prometheus would
 * scrape it. Whole streams only: the streams of a kind that ended by time t are
 * floor(∫ rate), so a counter moves by what one real stream added to it, never by a part.
 *
 * Timing, per stream: its cause (the cancel, the fault, the signal; the normal end for the
 * baseline) happens at its slot, and each side's series move when that side noticed it,
 * detection seconds later (the real run's). `streamlab_streams_active` counts the streams
 * open on its side at each scrape (each open for as long as the real one was; a client that
 * noticed nothing stays open on both sides, its ends left out: the runner's cancel ended it), `streamlab_connections_active` the server's (one connection
 * per stream, as in the lab); other gauges keep the value the run left. A labelled series
 * appears with its first stream (prom-client exports it from its first increment); one that
 * existed before the run (unlabelled metrics) from the start.
 */
import type { CapturedRun, CapturedSide } from './capture-run.ts';
import { seriesKey } from './series-snapshot.ts';
import type { Sample } from './series-snapshot.ts';
import type { Side } from '../telemetry/metrics.ts';
import * as names from '../telemetry/semconv.ts';

/** The shape of the simulated traffic. */
export interface ProfileOptions {
  /** Streams ending per minute, all kinds together. */
  ratePerMin: number;
  /** Share of the streams that end like the scenario after the fault, 0 to 1. */
  share: number;
  /** Length of the profile, minutes. */
  minutes: number;
  /** When the fault starts, seconds from the profile's start. */
  faultAtS: number;
  /** Seconds between two samples (Prometheus's scrape interval). */
  scrapeIntervalS: number;
  /** The `scenario` label every series gets (streamlab exports `none` for traffic without scenario baggage); undefined keeps each run's own. */
  scenarioLabel?: string;
}

/** One input series: its PromQL name and labels, and a value per scrape (undefined: absent). */
export interface ProfileSeries {
  key: string;
  values: (number | undefined)[];
}

/** The series of one profile. */
export interface TrafficProfile {
  /** The scenario whose streams end after the fault; the baseline's name for the baseline-only profile. */
  scenario: string;
  baseline: boolean;
  series: ProfileSeries[];
}

/** The runner's bookkeeping, not traffic: left out of every profile. */
export const NOT_TRAFFIC = new Set([names.METRIC_SCENARIO_RUNS, names.METRIC_SCENARIO_LAST_RUN]);
/** A stream's end on either side: the runner's own doing when the client noticed nothing (it cancels to end the lesson). */
const END_FAMILIES = new Set([
  names.METRIC_STREAM_ENDS, names.METRIC_DETECTION_SECONDS, names.METRIC_GRPC_CLIENT_HANDLED, names.METRIC_GRPC_CLIENT_HANDLING_SECONDS,
  names.METRIC_GRPC_SERVER_HANDLED, names.METRIC_GRPC_SERVER_HANDLING_SECONDS,
]);

/** The side a sample belongs to: its `side` label, else its grpc_client_/grpc_server_ prefix; the server otherwise (connections, delivery but duplicates). */
export function sideOfSample(sample: Pick<Sample, 'name' | 'labels'>): Side {
  const side = sample.labels[names.LABEL_SIDE];
  if (side === 'client' || side === 'server') return side;
  if (sample.name.startsWith('grpc_client_') || sample.name === names.METRIC_DELIVERY_DUPLICATES) return 'client';
  return 'server';
}

/** Streams of one kind whose cause happened by t: a piecewise-linear integral of its rate. */
type Causes = (tS: number) => number;

/** One kind of stream's part in one series. */
interface Part {
  causes: Causes;
  sample: Sample;
  side?: CapturedSide;
  /** Open-stream gauge: counts open streams instead of adding the value. */
  open: boolean;
  neverEnds: boolean;
  presentBefore: boolean;
}

const whole = (count: number): number => Math.floor(count + 1e-9);

function partValue(part: Part, tS: number): number {
  const detection = part.side?.detectionS ?? 0;
  if (!part.open) return part.sample.kind === 'gauge' ? part.sample.value : part.sample.value * whole(part.causes(tS - detection));
  const side = part.side!;
  if (part.neverEnds) return whole(part.causes(tS + side.beforeCauseS));
  // Open at t: streams whose end on this side (cause + detection) is after t and whose open (end - openS) is not.
  return whole(part.causes(tS - detection + side.openS)) - whole(part.causes(tS - detection));
}

function partPresent(part: Part, tS: number): boolean {
  if (part.presentBefore) return true;
  const side = part.side;
  const shift = part.open && side ? (part.neverEnds ? side.beforeCauseS : side.openS - side.detectionS) : -(side?.detectionS ?? 0);
  return whole(part.causes(tS + shift)) >= 1;
}

/** The parts of one run, keyed by the series they land in. */
function partsOf(run: CapturedRun, causes: Causes, options: ProfileOptions, into: Map<string, Part[]>): void {
  for (const [key, sample] of run.samples) {
    if (NOT_TRAFFIC.has(sample.family)) continue;
    const sideName = sideOfSample(sample);
    // The runner's cancel ended that lesson on both sides; left alone, the stream never ends.
    if (run.clientNoticedNothing && END_FAMILIES.has(sample.family)) continue;
    const labels = options.scenarioLabel !== undefined && names.LABEL_SCENARIO in sample.labels
      ? { ...sample.labels, [names.LABEL_SCENARIO]: options.scenarioLabel } : sample.labels;
    const side = run[sideName];
    const open = Boolean(side) && (sample.name === names.METRIC_STREAMS_ACTIVE || sample.name === names.METRIC_CONNECTIONS_ACTIVE);
    const part: Part = {
      causes, sample, open, presentBefore: run.presentBefore.has(key),
      neverEnds: open && run.clientNoticedNothing,
      ...(side ? { side } : {}),
    };
    const target = seriesKey(sample.name, labels);
    into.set(target, [...(into.get(target) ?? []), part]);
  }
}

/** ∫ of a rate that is `before` per second until `atS` and `after` per second from then on. */
function stepRate(before: number, after: number, atS: number): Causes {
  return (tS) => (tS <= 0 ? 0 : before * Math.min(tS, atS) + after * Math.max(0, tS - atS));
}

/**
 * The profile of `fault` over `baseline`; without `fault`, the baseline-only profile (every
 * stream ends like the baseline for the whole profile).
 */
export function buildProfile(baseline: CapturedRun, fault: CapturedRun | undefined, options: ProfileOptions): TrafficProfile {
  const perS = options.ratePerMin / 60;
  const parts = new Map<string, Part[]>();
  const share = fault ? options.share : 0;
  partsOf(baseline, stepRate(perS, perS * (1 - share), options.faultAtS), options, parts);
  if (fault) partsOf(fault, stepRate(0, perS * share, options.faultAtS), options, parts);
  const steps = Math.round((options.minutes * 60) / options.scrapeIntervalS);
  const series = [...parts].map(([key, list]) => ({
    key,
    values: Array.from({ length: steps + 1 }, (_, step) => {
      const tS = step * options.scrapeIntervalS;
      if (!list.some((part) => partPresent(part, tS))) return undefined;
      // A gauge that keeps its value counts only once its stream is there.
      return list.reduce((sum, part) => sum + (!part.open && part.sample.kind === 'gauge' && !partPresent(part, tS) ? 0 : partValue(part, tS)), 0);
    }),
  }));
  series.sort((a, b) => a.key.localeCompare(b.key));
  return { scenario: fault?.scenario ?? baseline.scenario, baseline: !fault, series };
}
