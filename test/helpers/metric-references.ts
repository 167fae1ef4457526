import { allFamilies, prefixedCommands } from '../../scripts/metric-tables.ts';

/** What the Pushgateway adds to every group it holds. */
export const PUSHGATEWAY_FAMILIES = ['push_time_seconds', 'push_failure_time_seconds'];

export const DEFINED = new Map(allFamilies().map((d) => [d.name, d]));

/** Every family a rule, a test series or a panel may select: mailops' own and the Pushgateway's. */
export const SELECTABLE = new Set([...DEFINED.keys(), ...PUSHGATEWAY_FAMILIES]);

const PREFIXES = new Set(prefixedCommands().map((c) => c.prefix));
const NAMESPACES = [...new Set([...DEFINED.keys()].map((name) => name.split('_')[0]!))];
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'on', 'ignoring', 'by', 'without']);

/**
 * The metric names a PromQL expression selects: strings, label matchers, range and subquery
 * brackets and grouping lists dropped, and every word a call or a keyword.
 */
export function promqlMetrics(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  return [...bare.matchAll(/\b[a-zA-Z_:][a-zA-Z0-9_:]*\b(?!\s*\()/g)]
    .map((m) => m[0])
    .filter((word) => !KEYWORDS.has(word) && !/^\d/.test(word));
}

/**
 * Words of free text (comments, annotations, prose) in mailops' namespaces that are neither a
 * defined family nor a command's metric prefix: a family that no run emits.
 */
export function undefinedMentions(text: string): string[] {
  // A file name (lab/spf_oracle.py) is not a family.
  const pattern = new RegExp(
    `(?<![\\w/.])(?:${NAMESPACES.join('|')})_[a-z0-9_]*[a-z0-9](?![\\w/]|\\.\\w)`,
    'g',
  );
  return [...text.matchAll(pattern)].map((m) => m[0]).filter((w) => !DEFINED.has(w) && !PREFIXES.has(w));
}
