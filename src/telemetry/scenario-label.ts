/**
 * The `scenario` label of a call, bounded (design §4: label values never come unbounded from
 * the wire). The scenario arrives in W3C baggage, which any client can fill with anything:
 * only a known name becomes a label value; anything else is `other`, and the span attribute
 * keeps the raw value, cut to {@link SCENARIO_ATTRIBUTE_MAX_CHARS}.
 */
import { SCENARIO_NONE } from './semconv.ts';

/** The label value of a scenario that is not known. */
export const SCENARIO_OTHER = 'other';

/** Longest scenario value kept on a span (`streamlab.scenario`), characters; longer ones are cut and end in `…`. */
export const SCENARIO_ATTRIBUTE_MAX_CHARS = 64;

/** A call's scenario: its label value, and the raw value when it differs. */
export interface ScenarioOfCall {
  label: string;
  /** The baggage value, cut to SCENARIO_ATTRIBUTE_MAX_CHARS, when it is not the label. */
  raw?: string;
}

/**
 * The scenario of a call whose baggage says `value` (undefined: no scenario baggage).
 * @param known names that may become label values (`none` always may)
 */
export function scenarioOf(value: string | undefined, known: ReadonlySet<string>): ScenarioOfCall {
  if (value === undefined || value === '') return { label: SCENARIO_NONE };
  if (value === SCENARIO_NONE || known.has(value)) return { label: value };
  const raw = value.length > SCENARIO_ATTRIBUTE_MAX_CHARS ? `${value.slice(0, SCENARIO_ATTRIBUTE_MAX_CHARS - 1)}…` : value;
  return { label: SCENARIO_OTHER, raw };
}
