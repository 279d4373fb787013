/**
 * The rules of Prometheus rule files (`groups: [{name, rules: [{alert|record, expr, for, …}]}]`),
 * with where each one is, for the warnings. The files are checked by promtool first
 * (promtool.ts); this only reads what promtool accepted.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';

/** One rule of a rule file. */
export interface Rule {
  file: string;
  group: string;
  /** The alert's name, for alerting rules. */
  alert?: string;
  /** The recorded series' name, for recording rules. */
  record?: string;
  expr: string;
  /** The rule's `for:` as written (`5m`), when it has one. */
  for?: string;
  /** 1-based line of the rule in its file. */
  line: number;
}

interface RawRule {
  alert?: unknown;
  record?: unknown;
  expr?: unknown;
  for?: unknown;
}

/**
 * Every rule of `file`, in file order.
 * @throws Error naming the file when it cannot be read or has no `groups` list
 */
export function readRules(file: string): Rule[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(readFileSync(file, 'utf8'), { lineCounter });
  const groups = document.get('groups', true) as { items?: { get(key: string, keepScalar?: boolean): unknown; range?: [number, number, number] }[] } | undefined;
  if (!groups?.items) throw new Error(`${file}: no "groups:" list`);
  const rules: Rule[] = [];
  for (const group of groups.items) {
    const name = String(group.get('name') ?? '');
    const list = group.get('rules', true) as { items?: { toJSON(): RawRule; range?: [number, number, number] }[] } | undefined;
    for (const node of list?.items ?? []) {
      const raw = node.toJSON();
      rules.push({
        file, group: name, expr: String(raw.expr ?? ''), line: lineCounter.linePos(node.range?.[0] ?? 0).line,
        ...(typeof raw.alert === 'string' ? { alert: raw.alert } : {}),
        ...(typeof raw.record === 'string' ? { record: raw.record } : {}),
        ...(raw.for !== undefined ? { for: String(raw.for) } : {}),
      });
    }
  }
  return rules;
}
