import type { BaseIssue } from 'valibot';

/** Dot path of an issue: "labels.instance", "checks[2].url"; "(root)" for the document itself. */
function issuePath(issue: BaseIssue<unknown>): string {
  let path = '';
  for (const item of issue.path ?? []) {
    const key = (item as { key?: unknown }).key;
    path += typeof key === 'number' ? `[${key}]` : `${path ? '.' : ''}${String(key)}`;
  }
  return path || '(root)';
}

/** What the operator wrote, shortened and quoted for a one-line error. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text =
    typeof value === 'string'
      ? JSON.stringify(value)
      : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
        ? String(value)
        : typeof value;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** One line per issue, "path.to.field: expected X, got Y", for config files and env values. */
export function formatIssue(issue: BaseIssue<unknown>): string {
  const path = issuePath(issue);
  if (issue.type === 'strict_object' && issue.expected === 'never') {
    return `${path}: expected no such key (unknown keys are rejected), got ${describeValue(issue.input)}`;
  }
  // Custom checks carry their own "expected ..." text in the message.
  const custom = issue.kind === 'validation' && !issue.message.startsWith('Invalid ');
  const expected = custom ? issue.message : (issue.expected ?? issue.type).replace(/^\((.*)\)$/, 'one of $1');
  return `${path}: expected ${expected}, got ${describeValue(issue.input)}`;
}
