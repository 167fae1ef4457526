import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { render } from '../../src/output/render.js';
import { loadReport, NOW_MS } from '../helpers/fixtures.js';

function promtoolCheck(text: string): { ok: boolean; output: string } {
  try {
    const output = execFileSync('/usr/bin/promtool', ['check', 'metrics'], {
      input: text,
      encoding: 'utf8',
      stdio: 'pipe',
    });
    return { ok: true, output };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('promtool check metrics (Debian prometheus package)', () => {
  it.each(['roundtrip-pass', 'gate-fail'])('accepts the exposition of %s', (name) => {
    const result = promtoolCheck(render(loadReport(name), 'prom', { color: false, nowMs: NOW_MS }));
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('is a real check: it rejects a malformed exposition', () => {
    const bad = '# TYPE requests counter\nrequests{code=200} 1\n';
    expect(promtoolCheck(bad).ok).toBe(false);
  });
});
