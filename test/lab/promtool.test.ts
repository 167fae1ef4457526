import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { freePort } from '../../lab/process.ts';
import { render } from '../../src/output/render.js';
import { backdate, week } from '../helpers/backup.js';
import { mailops } from '../helpers/cli.js';
import { type ExposedFamily, parseExposition } from '../helpers/exposition.js';
import { loadReport, NOW_MS } from '../helpers/fixtures.js';
import { DEFINED, PUSHGATEWAY_FAMILIES } from '../helpers/metric-references.js';
import { probeArgs } from '../helpers/probe.js';
import { promtoolCheck } from '../helpers/promtool.js';
import { groupExposition, ownJob } from '../helpers/pushgateway.js';
import { tempDir } from '../helpers/scratch.js';

const lab = inject('lab');
const gw = lab.pushgateway.url;
/** Families the runs below printed or pushed, to prove every definition is emitted by a real run. */
const emitted = new Set<string>();
// The lab's Postfix has no milter that writes an Authentication-Results header.
const NOT_IN_THE_LAB = ['email_roundtrip_auth_result_info'];

/**
 * How the families of an exposition differ from their definitions; empty when they do not. What
 * the Pushgateway serves has its own families, and the grouping key's labels on every sample.
 */
function againstDefinitions(
  families: ExposedFamily[],
  pushed?: { groupLabels: readonly string[] },
): string[] {
  const extra = new Set(pushed ? ['job', 'instance', ...pushed.groupLabels] : []);
  return families.flatMap(({ name, help, type, samples }) => {
    if (pushed && PUSHGATEWAY_FAMILIES.includes(name)) return [];
    const def = DEFINED.get(name);
    if (!def) return [`${name}: not defined`];
    const problems = [
      ...(help === def.help ? [] : [`${name}: help ${help}`]),
      ...(type === def.type ? [] : [`${name}: type ${type}`]),
    ];
    for (const sample of samples) {
      const names = sample.labels.map(([label]) => label);
      const missing = def.labels.filter((label) => !names.includes(label));
      const unknown = names.filter((label) => !(def.labels as string[]).includes(label) && !extra.has(label));
      if (missing.length || unknown.length) problems.push(`${sample.line}: labels`);
      if (name.endsWith('_info') && sample.value !== 1) problems.push(`${sample.line}: an _info value is 1`);
      // The probe's tag is unique per run: as a label value it would make a series per run.
      if (sample.labels.some(([, value]) => value.includes('e2e-probe-')))
        problems.push(`${sample.line}: tag`);
    }
    return problems;
  });
}

/**
 * Runs a subcommand with --output prom, pushing to a group of its own unless it never pushes;
 * promtool must accept what it printed and what the Pushgateway then serves for that group, and
 * every family must be one defined, as defined.
 */
async function check(
  args: string[],
  exit: number,
  options: { env?: Record<string, string>; pushes?: boolean; groupLabels?: string[] } = {},
) {
  const job = ownJob('promtool');
  const pushes = options.pushes ?? true;
  const run = await mailops(
    [...args, '--output', 'prom', ...(pushes ? ['--pushgateway', gw, '--job', job] : [])],
    options.env,
  );
  expect(run.exitCode, run.stderr).toBe(exit);
  // The exposition ends with a newline, which execa strips.
  expect(promtoolCheck(`${run.stdout}\n`)).toEqual({ ok: true, output: '' });
  const printed = parseExposition(run.stdout);
  expect(printed.length).toBeGreaterThan(0);
  expect(againstDefinitions(printed)).toEqual([]);
  for (const f of printed) emitted.add(f.name);
  if (!pushes) return printed;

  const pushedText = await groupExposition(gw, job);
  expect(promtoolCheck(pushedText)).toEqual({ ok: true, output: '' });
  const pushed = parseExposition(pushedText);
  expect(againstDefinitions(pushed, { groupLabels: options.groupLabels ?? [] })).toEqual([]);
  expect(pushed.map((f) => f.name).sort()).toEqual(
    [...printed.map((f) => f.name), ...PUSHGATEWAY_FAMILIES].sort(),
  );
  return printed;
}

const names = (families: ExposedFamily[]) => families.map((f) => f.name);

describe('promtool check metrics', () => {
  it.each(['roundtrip-pass', 'gate-fail', 'backup-pass', 'spf-fail', 'haproxy-drift'])(
    'accepts the exposition of the fixture report %s',
    (name) => {
      const text = render(loadReport(name), 'prom', { color: false, nowMs: NOW_MS });
      expect(promtoolCheck(text)).toEqual({ ok: true, output: '' });
    },
  );

  it('is a real check: it rejects a gauge named like a summary count', () => {
    const bad =
      '# HELP backup_snapshot_count Snapshots.\n# TYPE backup_snapshot_count gauge\nbackup_snapshot_count 8\n';
    const { ok, output } = promtoolCheck(bad);
    expect(ok).toBe(false);
    expect(output).toContain('non-histogram and non-summary metrics should not have "_count" suffix');
  });
});

describe('promtool check metrics on what every subcommand prints and pushes (a passing and a failing run)', () => {
  const user = lab.users[4]!;
  const probeEnv = { MAILOPS_SMTP_PASSWORD: user.password, MAILOPS_IMAP_PASSWORD: user.password };

  it('probe-roundtrip', async () => {
    const pass = await check(probeArgs(lab, [], user), 0, { env: probeEnv });
    expect(names(pass)).toContain('email_roundtrip_hop_delay_seconds');
    await check(probeArgs(lab, [], user), 1, { env: { ...probeEnv, MAILOPS_IMAP_PASSWORD: 'not-it' } });
  });

  it('backup-rsync and its list, verify, restore and prune', async () => {
    const [src, dest, to] = [tempDir('promtool-src'), tempDir('promtool-dest'), tempDir('promtool-to')];
    mkdirSync(join(src, 'cur'));
    for (let i = 0; i < 10; i++) writeFileSync(join(src, 'cur', `m${i}`), `message ${i}\n`);
    const source = ['--source', `mail=${src}`, '--dest', dest];
    await check(['backup-rsync', ...source], 0);
    backdate(dest, week(), '2026-01');
    // A source emptied since its base: the guard fails the run, and its churn is still reported.
    for (let i = 0; i < 8; i++) rmSync(join(src, 'cur', `m${i}`));
    const guarded = await check(['backup-rsync', ...source, '--max-deleted', '50'], 1);
    expect(names(guarded)).toContain('backup_changed_files_ratio');

    const verified = await check(['backup-rsync', 'verify', '--dest', dest, '--sample', '100'], 0);
    expect(names(verified)).toContain('backup_verify_last_full_cycle_timestamp_seconds');
    await check(['backup-rsync', 'list', '--dest', dest], 0, { pushes: false });
    const restore = ['backup-rsync', 'restore', '--dest', dest, '--snapshot', '2026-01', '--name', 'mail'];
    await check([...restore, '--to', join(to, 'fresh')], 0, { pushes: false });
    // Not empty and no --force: refused.
    mkdirSync(join(to, 'taken'));
    writeFileSync(join(to, 'taken', 'other'), 'not from the snapshot\n');
    await check([...restore, '--to', join(to, 'taken')], 1, { pushes: false });
    writeFileSync(join(dest, '2026-01', 'mail', 'cur', 'm9'), 'rewritten\n');
    await check(['backup-rsync', 'verify', '--dest', dest, '--snapshot', '2026-01'], 1);

    const lock = join(dest, '.mailops-backup.lock');
    writeFileSync(
      lock,
      JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() }),
    );
    await check(['backup-rsync', 'prune', '--dest', dest, '--keep', '1'], 1);
    rmSync(lock);
    await check(['backup-rsync', 'prune', '--dest', dest, '--keep', '1'], 0);
  });

  it('readiness-gate', async () => {
    const file = (port: number) => {
      const path = join(tempDir('promtool-gate'), 'gate.yaml');
      const checks = [{ name: 'dns', kind: 'tcp', host: '127.0.0.1', port }];
      writeFileSync(path, stringify({ 'readiness-gate': { interval: '200ms', checks } }));
      return path;
    };
    await check(['readiness-gate', '--config', file(lab.dns.port)], 0);
    await check(['readiness-gate', '--config', file(await freePort()), '--timeout', '2s'], 1);
  });

  it('spf-check', async () => {
    const spf = ['spf-check', 'spf.test', '--resolver', lab.dns.server];
    const authoritative = ['--authoritative', '--authoritative-port', String(lab.dns.port)];
    const pass = await check([...spf, '--expect-all', '~all', ...authoritative], 0, {
      groupLabels: ['domain'],
    });
    expect(names(pass)).toContain('spf_authoritative_agree');
    await check([...spf, '--expect-all', '-all'], 1, { groupLabels: ['domain'] });
  });

  it('haproxy-bootstrap and its verify', async () => {
    const fixtures = join(import.meta.dirname, '../../fixtures/haproxy');
    const cfg = (from: string) => {
      const file = join(tempDir('promtool-haproxy'), 'haproxy.cfg');
      copyFileSync(join(fixtures, from), file);
      return file;
    };
    const bootstrap = ['haproxy-bootstrap', '--spec', join(fixtures, 'spec.yaml'), '--check', '--file'];
    await check([...bootstrap, cfg('expected.cfg')], 0);
    await check([...bootstrap, cfg('base.cfg')], 1);

    const spec = (port: number) => {
      const path = join(tempDir('promtool-haproxy-spec'), 'spec.yaml');
      const backends = [{ name: 'dovecot', servers: [{ name: 'dovecot', address: '127.0.0.1', port }] }];
      const bind = { address: '127.0.0.1', port };
      const frontends = [{ name: 'imap_in', bind, protocol: 'imap', backend: 'dovecot' }];
      writeFileSync(path, stringify({ backends, frontends }));
      return path;
    };
    const verify = ['haproxy-bootstrap', 'verify', '--connect-timeout', '3s', '--spec'];
    await check([...verify, spec(lab.imap.imapPort)], 0);
    await check([...verify, spec(await freePort())], 1);
  });

  it('completion (it never pushes, and cannot fail once its shell is known)', async () => {
    await check(['completion', 'bash'], 0, { pushes: false });
  });

  it('the runs above emit every defined family', () => {
    const missing = [...DEFINED.keys()].filter((name) => !emitted.has(name));
    expect(missing).toEqual(NOT_IN_THE_LAB);
  });
});
