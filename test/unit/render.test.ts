import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { render } from '../../src/output/render.js';
import { registerSecret } from '../../src/output/redact.js';
import { FIXTURES, loadReport, NOW_MS } from '../helpers/fixtures.js';
import { parseReport } from '../helpers/report-schema.js';

const reports = ['roundtrip-pass', 'gate-fail', 'backup-pass', 'spf-fail', 'haproxy-drift'];

/** A golden file: reviewed like any fixture; a test never rewrites it (no snapshot update can). */
const golden = (file: string) => readFileSync(join(FIXTURES, 'results', file), 'utf8');

describe.each(reports)('render %s', (name) => {
  const report = loadReport(name);
  it('text', () => {
    expect(render(report, 'text', { color: false, nowMs: NOW_MS })).toBe(golden(`${name}.txt`));
  });
  it('json, valid against the shipped schema', () => {
    const json = render(report, 'json', { color: false, nowMs: NOW_MS });
    expect(json).toBe(golden(`${name}.out.json`));
    expect(parseReport(json).schemaVersion).toBe(1);
  });
  it('prom', () => {
    expect(render(report, 'prom', { color: false, nowMs: NOW_MS })).toBe(golden(`${name}.prom`));
  });
});

describe('render', () => {
  it('colours text only when asked', () => {
    const report = loadReport('gate-fail');
    const ESC = String.fromCharCode(27);
    expect(render(report, 'text', { color: false, nowMs: NOW_MS })).not.toContain(ESC);
    expect(render(report, 'text', { color: true, nowMs: NOW_MS })).toContain(`${ESC}[31mFAIL`);
  });

  it('pushes the last-success timestamp only for a passing run', () => {
    const pass = render(loadReport('roundtrip-pass'), 'prom', { color: false, nowMs: NOW_MS });
    const fail = render(loadReport('gate-fail'), 'prom', { color: false, nowMs: NOW_MS });
    expect(pass).toContain(`email_roundtrip_last_success_timestamp_seconds ${NOW_MS / 1000}`);
    expect(fail).not.toContain('last_success_timestamp');
    expect(fail).toContain('readiness_gate_success 0');
  });

  it('never prints a registered secret, in any format, however the format escapes it', () => {
    const report = loadReport('gate-fail');
    // A quote and a backslash: JSON and Prometheus escape them, so the secret is masked before.
    const secret = 'hunter2-"s3\\cret';
    report.checks[1]!.summary = `login failed for password ${secret}`;
    registerSecret(secret);
    report.metrics.push({
      name: 'readiness_check_info',
      help: `a label that quotes ${secret}`,
      type: 'gauge',
      policy: 'every-run',
      samples: [{ labels: { reason: secret }, value: 1 }],
    });
    for (const format of ['text', 'json', 'prom'] as const) {
      const text = render(report, format, { color: false, nowMs: NOW_MS });
      expect(text).not.toContain('s3');
    }
    expect(render(report, 'text', { color: false, nowMs: NOW_MS })).toContain(
      'login failed for password ***',
    );
    expect(render(report, 'json', { color: false, nowMs: NOW_MS })).toContain(
      '"summary": "login failed for password ***"',
    );
    expect(render(report, 'prom', { color: false, nowMs: NOW_MS })).toContain('{reason="***"} 1');
  });
});
