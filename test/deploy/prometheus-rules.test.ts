import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { promqlMetrics, SELECTABLE, undefinedMentions } from '../helpers/metric-references.js';

const dir = join(import.meta.dirname, '../../deploy/prometheus');
const TESTS = ['rules.test.yaml', 'rules.absent.test.yaml'];
const read = (file: string) => readFileSync(join(dir, file), 'utf8');
const rules = (
  parse(read('rules.yaml')) as { groups: { rules: { alert: string; expr: string }[] }[] }
).groups.flatMap((g) => g.rules);
/** Words shaped like this project's alert names (EmailRoundtripStale): its areas, in CamelCase. */
const ALERT_LIKE = /\b(?:Email|Backup|Readiness|Spf|Mailops)(?:[A-Z][a-z0-9]+)+\b/g;

describe('deploy/prometheus/rules.yaml', () => {
  it('passes promtool check rules', () => {
    const out = execFileSync('promtool', ['check', 'rules', join(dir, 'rules.yaml')], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('passes promtool test rules, and every alert has a firing and a quiet case', () => {
    const run = spawnSync('promtool', ['test', 'rules', ...TESTS], { cwd: dir, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toContain('SUCCESS');
    expect(run.status).toBe(0);
    const alerts = rules.map((r) => r.alert);
    const cases = TESTS.flatMap((file) => {
      const tests = parse(readFileSync(join(dir, file), 'utf8')) as {
        tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
      };
      return tests.tests.flatMap((t) => t.alert_rule_test);
    });
    for (const alert of alerts) {
      expect(
        cases.some((c) => c.alertname === alert && c.exp_alerts.length > 0),
        `${alert} fires`,
      ).toBe(true);
      expect(
        cases.some((c) => c.alertname === alert && c.exp_alerts.length === 0),
        `${alert} stays quiet`,
      ).toBe(true);
    }
  });

  it('selects only families mailops defines (or the Pushgateway adds), in its rules and their tests', () => {
    const selected = rules.flatMap((r) => promqlMetrics(r.expr).map((name) => [r.alert, name]));
    expect(selected.length).toBeGreaterThanOrEqual(rules.length);
    const series = TESTS.flatMap((file) =>
      (parse(read(file)) as { tests: { input_series: { series: string }[] }[] }).tests.flatMap((t) =>
        t.input_series.map((i) => [file, promqlMetrics(i.series)[0] ?? i.series]),
      ),
    );
    expect([...selected, ...series].filter(([, name]) => !SELECTABLE.has(name!))).toEqual([]);
    // Comments and annotations name families too ("see email_roundtrip_failure_info").
    expect(['rules.yaml', ...TESTS].flatMap((file) => undefinedMentions(read(file)))).toEqual([]);
  });

  it('names only alerts it defines, in its comments and annotations and in the README', () => {
    const alerts = new Set(rules.map((r) => r.alert));
    const readme = readFileSync(join(dir, '../../README.md'), 'utf8');
    const named = [...read('rules.yaml').matchAll(ALERT_LIKE), ...readme.matchAll(ALERT_LIKE)].map(
      (m) => m[0],
    );
    expect(named.length).toBeGreaterThan(alerts.size);
    expect([...new Set(named)].filter((name) => !alerts.has(name))).toEqual([]);
  });
});
