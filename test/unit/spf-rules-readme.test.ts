import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SYNTAX_RULES } from '../../src/checks/spf/grammar.js';
import { parseTerms, RECORD_WARNINGS, recordIssues } from '../../src/checks/spf/record.js';

const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
const section = readme.slice(
  readme.indexOf('#### Record validation'),
  readme.indexOf('Proved against pyspf'),
);
/** The rows of the README's tables of validation rules: rule and example record. */
const rows = [...section.matchAll(/^\| `([a-z0-9-]+)` +\| `([^`]+)` +\|/gm)].map((m) => ({
  rule: m[1]!,
  example: m[2]!,
}));

describe("the README's table of SPF validation rules", () => {
  it('lists every rule and warning once', () => {
    expect(rows.map((r) => r.rule).sort()).toEqual([...SYNTAX_RULES, ...RECORD_WARNINGS].sort());
  });

  it.each(rows)('$rule: $example breaks it', ({ rule, example }) => {
    const { problems, warnings } = recordIssues(parseTerms(example));
    const isWarning = (RECORD_WARNINGS as readonly string[]).includes(rule);
    expect((isWarning ? warnings : problems).map((p) => p.rule)).toContain(rule);
    // A warning's example is otherwise valid: it shows the warning, not something else.
    if (isWarning) expect(problems).toEqual([]);
  });
});
