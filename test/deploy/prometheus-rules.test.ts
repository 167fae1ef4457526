import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const dir = join(import.meta.dirname, '../../deploy/prometheus');
const TESTS = ['rules.test.yaml', 'rules.absent.test.yaml'];

describe('deploy/prometheus/rules.yaml', () => {
  it('passes promtool check rules', () => {
    const out = execFileSync('promtool', ['check', 'rules', join(dir, 'rules.yaml')], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('passes promtool test rules, and every alert has a firing and a quiet case', () => {
    const run = spawnSync('promtool', ['test', 'rules', ...TESTS], { cwd: dir, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toContain('SUCCESS');
    expect(run.status).toBe(0);
    const rules = parse(readFileSync(join(dir, 'rules.yaml'), 'utf8')) as {
      groups: { rules: { alert: string }[] }[];
    };
    const alerts = rules.groups.flatMap((g) => g.rules.map((r) => r.alert));
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
});
