/**
 * Warnings about what a rule's selectors name (issue 17): a metric streamlab never exports,
 * a label its metric does not have, a label value that does not exist (an `end_cause` typo,
 * a `grpc_code` spelt the canonical way where streamlab exports go-grpc-prometheus's), each
 * with the closest real name or value (Levenshtein distance, fastest-levenshtein).
 */
import { closest } from 'fastest-levenshtein';
import { selectorsOf } from './promql-selectors.ts';
import type { LabelMatcher } from './promql-selectors.ts';
import { GO_CODE_BY_CANONICAL, PROMETHEUS_SERIES, TARGET_LABELS } from './exported-series.ts';
import type { Vocabulary } from './exported-series.ts';
import type { Rule } from './rule-files.ts';
import type { AlertWarning } from './warnings.ts';
import * as names from '../telemetry/semconv.ts';
import { NOT_TRAFFIC } from './traffic-profile.ts';

/** The candidate nearest to `word`: one that contains it or that it contains first (cause → end_cause), else the closest by edit distance. */
export function nearest(word: string, candidates: readonly string[]): string {
  const lower = word.toLowerCase();
  const overlapping = candidates.filter((candidate) => candidate.toLowerCase().includes(lower) || lower.includes(candidate.toLowerCase()));
  return closest(word, overlapping.length ? overlapping : [...candidates]);
}

/** The values of `allowed` that `matcher` matches (a regex anchored as Prometheus anchors it); undefined when its regex does not compile here. */
function matchedValues(matcher: LabelMatcher, allowed: readonly string[]): string[] | undefined {
  if (matcher.op === '=' || matcher.op === '!=') return allowed.filter((value) => value === matcher.value);
  try {
    const regex = new RegExp(`^(?:${matcher.value})$`);
    return allowed.filter((value) => regex.test(value));
  } catch {
    return undefined;
  }
}

/** The literal alternatives of a regex made only of `a|b|c` (no other regex syntax), else []. */
function literalAlternatives(regex: string): string[] {
  return /^[\w-]+(\|[\w-]+)*$/.test(regex) ? regex.split('|') : [];
}

/** Warnings about one matcher's value, when its label has a closed set of values. */
function valueWarnings(matcher: LabelMatcher, allowed: readonly string[]): string[] {
  const described = `${matcher.label}${matcher.op}${JSON.stringify(matcher.value)}`;
  if (matcher.label === names.LABEL_GRPC_CODE) {
    const parts = matcher.op.endsWith('~') ? literalAlternatives(matcher.value) : [matcher.value];
    const canonical = parts.filter((part) => GO_CODE_BY_CANONICAL.has(part) && !allowed.includes(part));
    if (canonical.length) {
      const go = canonical.map((part) => GO_CODE_BY_CANONICAL.get(part)).join('|');
      return [`${described}: ${canonical.join(', ')} is the canonical gRPC spelling; streamlab exports go-grpc-prometheus's (Go's codes.Code names), so write ${matcher.label}${matcher.op}${JSON.stringify(matcher.op.endsWith('~') ? matcher.value.split('|').map((part) => GO_CODE_BY_CANONICAL.get(part) ?? part).join('|') : go)}`];
    }
  }
  const matched = matchedValues(matcher, allowed);
  if (matched === undefined) return [];
  const list = allowed.join(', ');
  if (matched.length === 0) {
    const parts = matcher.op.endsWith('~') ? literalAlternatives(matcher.value) : [matcher.value];
    const hint = parts.length ? ` (did you mean ${parts.map((part) => nearest(part, allowed)).join('|')}?)` : '';
    const effect = matcher.op.startsWith('!') ? 'excludes nothing' : 'matches nothing';
    return [`${described} ${effect}: streamlab exports no such ${matcher.label}${hint}; its values are ${list}`];
  }
  const missing = literalAlternatives(matcher.op.endsWith('~') ? matcher.value : '').filter((part) => !allowed.includes(part));
  return missing.map((part) => `${described}: "${part}" is no ${matcher.label} streamlab exports (did you mean ${nearest(part, allowed)}?); its values are ${list}`);
}

/**
 * The warnings about `rule`'s selectors.
 * @param recorded names the rule files record (known series that streamlab does not export itself)
 */
export function selectorWarnings(rule: Rule, vocabulary: Vocabulary, recorded: ReadonlySet<string>): AlertWarning[] {
  const where = { file: rule.file, line: rule.line, rule: rule.alert ?? rule.record ?? '' };
  const parsed = selectorsOf(rule.expr);
  const warnings: AlertWarning[] = [];
  if (parsed.errorAt !== undefined) {
    warnings.push({ ...where, kind: 'unparsed-expr', message: `the PromQL grammar stops at offset ${parsed.errorAt} of the expression: its selectors after that are not checked` });
  }
  const knownNames = [...vocabulary.samples.keys(), ...recorded];
  const seen = new Set<string>();
  for (const selector of parsed.selectors) {
    const metric = selector.metric;
    const exported = metric === undefined ? undefined : vocabulary.samples.get(metric);
    const messages: { kind: AlertWarning['kind']; message: string }[] = [];
    if (metric !== undefined && PROMETHEUS_SERIES.includes(metric)) {
      messages.push({ kind: 'prometheus-series', message: `${metric} is made by Prometheus itself, not exported by streamlab: no profile has it, so what depends on it cannot fire here` });
    } else if (exported && NOT_TRAFFIC.has(exported.family)) {
      messages.push({ kind: 'not-in-profiles', message: `${metric} is the scenario runner's own bookkeeping (one per run, not per stream): no profile has it, so what depends on it cannot fire here` });
    } else if (exported && exported.family.startsWith('streamlab_fleet_')) {
      messages.push({ kind: 'not-in-profiles', message: `${metric} is recorded by \`streamlab fleet\`'s subscribers, which no scenario runs: no profile has it, so what depends on it cannot fire here` });
    } else if (metric !== undefined && !exported && !recorded.has(metric)) {
      messages.push({ kind: 'unknown-metric', message: `streamlab exports no series ${metric} (did you mean ${nearest(metric, knownNames)}?)` });
    }
    for (const matcher of selector.matchers) {
      if (exported && !exported.labelNames.includes(matcher.label) && !TARGET_LABELS.includes(matcher.label) && !(matcher.label === 'le' && metric?.endsWith('_bucket'))) {
        const labels = [...exported.labelNames, ...(metric?.endsWith('_bucket') ? ['le'] : [])];
        const hint = labels.length ? ` (did you mean ${nearest(matcher.label, labels)}?); its labels are ${labels.join(', ')}` : '; it has no labels of its own';
        messages.push({ kind: 'unknown-label', message: `${metric} has no label ${matcher.label}${hint}` });
        continue;
      }
      const allowed = vocabulary.labelValues.get(matcher.label);
      if (!allowed) continue;
      for (const message of valueWarnings(matcher, allowed)) {
        messages.push({ kind: message.includes('canonical gRPC spelling') ? 'grpc-code-spelling' : 'unknown-value', message });
      }
    }
    for (const { kind, message } of messages) {
      if (seen.has(message)) continue;
      seen.add(message);
      warnings.push({ ...where, kind, message });
    }
  }
  return warnings;
}
