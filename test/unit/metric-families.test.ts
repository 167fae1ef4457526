import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedPart, metricTables } from '../../scripts/metric-tables.ts';
import type { ReportDocument } from '../../src/checks/types.js';
import { type FamilyDef, LABELS } from '../../src/report/families.js';
import { FIXTURES } from '../helpers/fixtures.js';
import { DEFINED, undefinedMentions } from '../helpers/metric-references.js';

const ROOT = join(import.meta.dirname, '../..');
const README = join(ROOT, 'README.md');
const readme = readFileSync(README, 'utf8');
const changelog = readme.slice(readme.indexOf('\n## Changelog'));
const renames = [...changelog.matchAll(/^\| `([a-z_]+)` +\| `([a-z_]+)` +\|$/gm)].map(([, from, to]) => ({
  from: from!,
  to: to!,
}));

// The Prometheus naming guide (prometheus.io/docs/practices/naming) and promtool's lint.
const BASE_UNITS = new Set([
  'seconds',
  'bytes',
  'ratio',
  'meters',
  'volts',
  'amperes',
  'joules',
  'grams',
  'celsius',
]);
const OTHER_UNITS = new Set([
  ...['milliseconds', 'microseconds', 'nanoseconds', 'ms', 'us', 'ns', 'minutes', 'hours', 'days'],
  ...['kilobytes', 'megabytes', 'gigabytes', 'kb', 'mb', 'gb', 'kib', 'mib', 'gib', 'bits', 'percent'],
]);
const RESERVED_LABELS = new Set(['le', 'quantile', 'job', 'instance']);

/** Where a definition breaks the guide; empty when it follows it. */
function namingProblems(def: FamilyDef): string[] {
  const words = def.name.split('_');
  const last = words.at(-1);
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(def.name)) problems.push('not snake_case with a prefix');
  if ((def.type === 'counter') !== (last === 'total')) problems.push('_total on counters, and only there');
  if (['count', 'sum', 'bucket'].includes(last!)) problems.push(`_${last} is a histogram's or summary's`);
  if (words.some((w) => ['gauge', 'counter', 'histogram', 'summary'].includes(w)))
    problems.push('type in name');
  for (const [i, word] of words.entries()) {
    if (OTHER_UNITS.has(word)) problems.push(`${word}: not a base unit`);
    const after = words.slice(i + 1).join('_');
    if (BASE_UNITS.has(word) && after !== '' && after !== 'total')
      problems.push(`${word}: the unit goes last`);
    if (word === 'timestamp' && after !== 'seconds') problems.push('a time is _timestamp_seconds');
    if (word === 'info' && after !== '') problems.push('_info goes last');
  }
  if (last === 'info' && def.labels.length === 0) problems.push('an _info family says its facts in labels');
  for (const label of def.labels) {
    if (!/^[a-z][a-z0-9_]*$/.test(label) || RESERVED_LABELS.has(label)) problems.push(`label ${label}`);
  }
  return problems.map((p) => `${def.name}: ${p}`);
}

describe('the metric family definitions (src/report/families.ts)', () => {
  it('name every family by the Prometheus naming guide', () => {
    expect([...DEFINED.values()].flatMap(namingProblems)).toEqual([]);
  });

  it('are checked by rules that catch what the guide forbids', () => {
    const def = (name: string, labels: FamilyDef['labels'] = []): FamilyDef => ({
      name,
      type: 'gauge',
      help: 'h',
      labels,
      policy: 'every-run',
      command: 'c',
    });
    expect(namingProblems(def('backup_snapshot_count'))).toEqual([
      "backup_snapshot_count: _count is a histogram's or summary's",
    ]);
    expect(namingProblems(def('backup_bytes_transferred'))).toEqual([
      'backup_bytes_transferred: bytes: the unit goes last',
    ]);
    expect(namingProblems(def('probe_duration_ms'))).toEqual(['probe_duration_ms: ms: not a base unit']);
    expect(namingProblems(def('probe_last_success_timestamp'))).toEqual([
      'probe_last_success_timestamp: a time is _timestamp_seconds',
    ]);
    expect(namingProblems(def('probe_requests_total'))).toEqual([
      'probe_requests_total: _total on counters, and only there',
    ]);
    expect(namingProblems(def('probe_auth_result_info'))).toEqual([
      'probe_auth_result_info: an _info family says its facts in labels',
    ]);
    expect(namingProblems(def('probe_auth_result_info', ['method']))).toEqual([]);
  });

  it('define each family once, with labels from the bounded set', () => {
    const names = [...DEFINED.values()].map((d) => d.name);
    expect(names.length).toBe(DEFINED.size);
    const used = new Set([...DEFINED.values()].flatMap((d) => d.labels));
    expect([...used].sort()).toEqual(Object.keys(LABELS).sort());
  });

  it.each(readdirSync(join(FIXTURES, 'results')).filter((f) => f.endsWith('.out.json')))(
    'match the families of the fixture report %s',
    (file) => {
      const doc = JSON.parse(readFileSync(join(FIXTURES, 'results', file), 'utf8')) as ReportDocument;
      for (const family of doc.metrics) {
        const def = DEFINED.get(family.name);
        expect(def, family.name).toBeDefined();
        expect([family.help, family.type, family.policy]).toEqual([def!.help, def!.type, def!.policy]);
        for (const sample of family.samples)
          expect(Object.keys(sample.labels).sort(), family.name).toEqual([...def!.labels].sort());
      }
    },
  );
});

describe("the README's metric families", () => {
  it('are the tables generated from the definitions (npm run metrics-table)', async () => {
    expect(generatedPart(readme)).toBe((await metricTables(README)).trimEnd());
  });

  it('list every family once', () => {
    const tables = generatedPart(readme) ?? '';
    const counts = [...DEFINED.keys()].map((name) => [name, tables.split(`\`${name}\``).length - 1]);
    expect(counts.filter(([, n]) => n !== 1)).toEqual([]);
  });

  it('name no family outside the definitions, but the old names in the changelog', () => {
    const notMetrics = ['haproxy_check_and_run']; // pfSense's PHP function
    const text = readme.slice(0, readme.indexOf('\n## Changelog'));
    expect(undefinedMentions(text).filter((w) => !notMetrics.includes(w))).toEqual([]);
  });

  it('list each rename in the changelog: the old name gone from the README, deploy/ and the fixtures, the new one defined', () => {
    expect(renames.length).toBeGreaterThan(0);
    const elsewhere = [
      readme.slice(0, readme.indexOf('\n## Changelog')),
      ...['deploy/prometheus', 'deploy/grafana', 'fixtures/results'].flatMap((dir) =>
        readdirSync(join(ROOT, dir)).map((f) => readFileSync(join(ROOT, dir, f), 'utf8')),
      ),
    ].join('\n');
    for (const { from, to } of renames) {
      expect(DEFINED.has(from), from).toBe(false);
      expect(DEFINED.has(to), to).toBe(true);
      expect(new RegExp(`\\b${from}\\b`).test(elsewhere), from).toBe(false);
    }
  });
});
