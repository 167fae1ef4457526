import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, inject, it } from 'vitest';
import type { ReportDocument } from '../../src/checks/types.js';
import { BIN, mailops } from '../helpers/cli.js';
import { probeArgs, probeEnv } from '../helpers/probe.js';
import { parseReport } from '../helpers/report-schema.js';
import { tempDir } from '../helpers/scratch.js';

const lab = inject('lab');
const ROOT = join(import.meta.dirname, '../..');
const SPEC = join(ROOT, 'fixtures/haproxy/spec.yaml');

/** Runs mailops with --output json; the helper checks the document against the shipped schema. */
async function json(args: string[], env: Record<string, string> = {}) {
  const run = await mailops([...args, '--output', 'json'], env);
  return { ...run, report: parseReport(run.stdout) };
}
const kinds = (report: ReportDocument) => report.checks.flatMap((c) => (c.details ? [c.details.kind] : []));

function source(): string {
  const dir = tempDir('src');
  mkdirSync(join(dir, 'cur'), { recursive: true });
  for (let i = 0; i < 5; i++) writeFileSync(join(dir, 'cur', `m${i}`), `message ${i}`);
  return dir;
}

describe("every subcommand's JSON satisfies schema/report.schema.json: passes, failures, errors", () => {
  it('backup-rsync, list, verify and restore', async () => {
    const src = source();
    const dest = tempDir('dest');
    const pass = await json(['backup-rsync', '--source', `mail=${src}`, '--dest', dest]);
    expect([pass.exitCode, pass.report.status]).toEqual([0, 'pass']);
    expect(kinds(pass.report)).toEqual(['lock', 'backup-source', 'snapshot', 'retention']);
    const fail = await json(['backup-rsync', '--source', 'mail=/nonexistent', '--dest', dest]);
    expect([fail.exitCode, fail.report.status]).toEqual([1, 'fail']);

    const list = await json(['backup-rsync', 'list', '--dest', dest]);
    expect(kinds(list.report)).toEqual(['snapshot-entry']);
    const [id] = readdirSync(dest).filter((n) => /^\d{4}-\d{2}$/.test(n));
    const verified = await json([
      'backup-rsync',
      'verify',
      '--dest',
      dest,
      '--snapshot',
      id!,
      '--against-source',
    ]);
    expect(verified.report.status).toBe('pass');
    expect(kinds(verified.report)).toEqual(['manifest-check', 'itemized-changes']);
    writeFileSync(join(dest, id!, 'mail', 'cur', 'm0'), 'damaged');
    const damaged = await json(['backup-rsync', 'verify', '--dest', dest, '--snapshot', id!]);
    expect([damaged.exitCode, damaged.report.status]).toEqual([1, 'fail']);
    // A snapshot whose checksum file is gone cannot be verified at all: an error (exit 1, as a failure).
    rmSync(join(dest, id!, '.mailops', 'mail.md5'));
    const error = await json(['backup-rsync', 'verify', '--dest', dest, '--snapshot', id!]);
    expect([error.exitCode, error.report.status, error.report.checks[0]?.status]).toEqual([
      1,
      'error',
      'error',
    ]);

    const restore = await json([
      'backup-rsync',
      'restore',
      '--dest',
      dest,
      '--snapshot',
      id!,
      '--name',
      'mail',
      '--to',
      tempDir('to'),
    ]);
    expect(kinds(restore.report)).toContain('itemized-changes');
  });

  it('readiness-gate: ready, not ready, skipped', async () => {
    const file = join(tempDir('gate'), 'gate.yaml');
    writeFileSync(
      file,
      stringify({
        'readiness-gate': {
          checks: [
            { name: 'yes', kind: 'command', run: 'true' },
            { name: 'no', kind: 'command', run: 'false' },
            { name: 'closed', kind: 'tcp', host: '127.0.0.1', port: 9 },
          ],
        },
      }),
    );
    const ready = await json(['readiness-gate', '--config', file, '--only', 'yes']);
    expect(ready.report.status).toBe('pass');
    expect(ready.report.checks[0]?.details).toMatchObject({
      kind: 'gate-check',
      check: 'command',
      ready: true,
      attempts: 1,
    });
    const waiting = await json(['readiness-gate', '--config', file, '--timeout', '1s']);
    expect(waiting.report.status).toBe('fail');
    // A wrong answer fails, no answer is an error: in the checks, and in a metric label.
    expect(waiting.report.checks.map((c) => [c.name, c.status])).toEqual([
      ['yes', 'pass'],
      ['no', 'fail'],
      ['closed', 'error'],
    ]);
    const verdicts = waiting.report.metrics.find((m) => m.name === 'readiness_check_status_info')?.samples;
    expect(verdicts?.map((s) => s.labels)).toEqual([
      { check: 'yes', status: 'pass' },
      { check: 'no', status: 'fail' },
      { check: 'closed', status: 'error' },
    ]);
    const skipped = await json([
      'readiness-gate',
      '--config',
      file,
      '--only',
      'no',
      '--skip',
      '--reason',
      'contract test',
    ]);
    expect(skipped.report.status).toBe('pass');
  });

  it('spf-check: a pass, a failed expectation, and a resolver that cannot be asked (error)', async () => {
    const pass = await json(['spf-check', 'spf.test', '--resolver', lab.dns.server, '--ip', '192.0.2.9']);
    expect(pass.report.status).toBe('pass');
    expect(kinds(pass.report)).toEqual(['spf-record', 'spf-check-host']);
    const fail = await json(['spf-check', 'spf.test', '--resolver', lab.dns.server, '--expect-all', '-all']);
    expect(fail.report.status).toBe('fail');
    const error = await json([
      'spf-check',
      'spf.test',
      '--resolver',
      '127.0.0.1:9',
      '--ip',
      '192.0.2.9',
      '--query-timeout',
      '300ms',
    ]);
    expect(error.report.checks.find((c) => c.name.startsWith('check_host'))?.status).toBe('error');
  });

  it('haproxy-bootstrap (apply, drift, PHP) and verify', async () => {
    const cfg = join(tempDir('haproxy'), 'haproxy.cfg');
    writeFileSync(cfg, readFileSync(join(ROOT, 'fixtures/haproxy/base.cfg')));
    const drift = await json(['haproxy-bootstrap', '--spec', SPEC, '--file', cfg, '--check']);
    expect([drift.report.status, kinds(drift.report)]).toEqual(['fail', ['file-diff']]);
    const applied = await json(['haproxy-bootstrap', '--spec', SPEC, '--file', cfg]);
    expect(applied.report.status).toBe('pass');
    expect(kinds(applied.report)).toEqual(['command', 'file-diff']);
    const php = await json(['haproxy-bootstrap', '--spec', SPEC, '--emit-php']);
    expect(php.report.document).toMatchObject({ name: 'mail-haproxy.php', mediaType: 'application/x-php' });
    const verify = await json([
      'haproxy-bootstrap',
      'verify',
      '--spec',
      SPEC,
      '--connect-host',
      '127.0.0.1',
      '--connect-timeout',
      '1s',
    ]);
    // Nothing listens on the spec's frontends here: no banner could be read, an error.
    expect(verify.report.status).toBe('error');
    expect(new Set(kinds(verify.report))).toEqual(new Set(['banner']));
  });

  it('probe-roundtrip: verify-only passing and failing, completion as a document', async () => {
    const good = await json(probeArgs(lab, ['--verify-only']), probeEnv(lab));
    expect([good.report.status, kinds(good.report)]).toEqual(['pass', ['mailbox']]);
    const bad = await json(probeArgs(lab, ['--verify-only']), probeEnv(lab, 'wrong-password-7'));
    expect(bad.report.status).toBe('fail');
    // A refused login is the server's answer: a failure, with its code for machines.
    expect(bad.report.checks[0]).toMatchObject({ status: 'fail', error: { code: 'AUTH_FAILED' } });
    const completion = await json(['completion', 'bash']);
    expect(completion.report.document?.text).toMatch(/^# mailops completion for bash/);
  });

  it('the README example: a CI step reads an SPF result and a transferred-file count from fields', () => {
    const bin = tempDir('bin');
    writeFileSync(join(bin, 'mailops'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, {
      mode: 0o755,
    });
    const out = execFileSync('bash', [join(ROOT, 'examples/json-consumer.sh')], {
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        DOMAIN: 'spf.test',
        CLIENT_IP: '203.0.113.99',
        RESOLVER: lab.dns.server,
        SOURCE: source(),
        DEST: tempDir('dest'),
      },
    });
    expect(out).toBe(`${lab.dns.server} softfail ~all\n5\n`);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(
      readFileSync(join(ROOT, 'examples/json-consumer.sh'), 'utf8').split('\n').slice(5).join('\n').trim(),
    );
  });
});
