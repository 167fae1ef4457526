import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/checks/types.js';
import { mailops } from '../helpers/cli.js';
import { tempDir } from '../helpers/scratch.js';

const fixtures = join(import.meta.dirname, '../../fixtures/haproxy');
const SPEC = join(fixtures, 'spec.yaml');

async function bootstrap(args: string[]) {
  const result = await mailops(['haproxy-bootstrap', '--output', 'json', ...args]);
  const report = result.stdout.startsWith('{') ? (JSON.parse(result.stdout) as Report) : undefined;
  return { ...result, report };
}

/** A scratch haproxy.cfg: the fixture's base file, or none. */
function target(from: string | null = join(fixtures, 'base.cfg')): string {
  const file = join(tempDir('haproxy'), 'haproxy.cfg');
  if (from) copyFileSync(from, file);
  return file;
}

describe('haproxy-bootstrap --target haproxy-cfg', () => {
  it('writes the golden file, validated by the real haproxy -c, keeping the rest byte for byte', async () => {
    const file = target();
    const run = await bootstrap(['--spec', SPEC, '--file', file]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(fixtures, 'expected.cfg'), 'utf8'));
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe(readFileSync(join(fixtures, 'base.cfg'), 'utf8'));
    expect(run.report?.checks.map((c) => c.name)).toEqual(['spec', 'validate', 'write']);
    const fresh = target(null);
    expect((await bootstrap(['--spec', SPEC, '--file', fresh])).exitCode).toBe(0);
    expect(readFileSync(fresh, 'utf8')).toBe(readFileSync(join(fixtures, 'expected-new.cfg'), 'utf8'));
    for (const cfg of [file, fresh]) execFileSync('haproxy', ['-c', '-q', '-f', cfg]);
  });

  it('is idempotent: a second run changes nothing and says so', async () => {
    const file = target();
    await bootstrap(['--spec', SPEC, '--file', file]);
    const first = readFileSync(file);
    const again = await bootstrap(['--spec', SPEC, '--file', file, '--reload-cmd', 'exit 7']);
    expect(again.exitCode).toBe(0);
    expect(again.report?.summary).toBe(`no changes: ${file} matches ${SPEC}`);
    expect(readFileSync(file).equals(first)).toBe(true);
  });

  it('replaces only the sections it manages when the spec changes', async () => {
    const file = target(join(fixtures, 'expected.cfg'));
    const spec = join(tempDir('haproxy-spec'), 'spec.yaml');
    writeFileSync(spec, readFileSync(SPEC, 'utf8').replace('port: 30993', 'port: 31993'));
    const run = await bootstrap(['--spec', spec, '--file', file]);
    expect(run.exitCode).toBe(0);
    const before = readFileSync(join(fixtures, 'expected.cfg'), 'utf8');
    expect(readFileSync(file, 'utf8')).toBe(before.replace('10.0.20.101:30993', '10.0.20.101:31993'));
  });

  it('--check exits 1 with a diff on drift and 0 when the file matches; --dry-run writes nothing', async () => {
    const file = target();
    const drift = await bootstrap(['--spec', SPEC, '--file', file, '--check']);
    expect(drift.exitCode).toBe(1);
    const compare = drift.report?.checks.find((c) => c.name === 'compare')?.details;
    expect(compare).toMatchObject({ kind: 'file-diff', file, source: SPEC });
    const hunks = compare?.kind === 'file-diff' ? compare.hunks : [];
    expect(hunks.flatMap((h) => h.lines)).toContain('+frontend mail_smtp_25');
    // The text format renders the same hunks as a unified diff.
    const text = await mailops(['haproxy-bootstrap', '--spec', SPEC, '--file', file, '--check']);
    expect(text.stdout).toContain(`--- ${file}\n+++ ${file} (from ${SPEC})\n@@ -`);
    expect(text.stdout).toContain('\n+frontend mail_smtp_25\n');
    const dry = await bootstrap(['--spec', SPEC, '--file', file, '--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(fixtures, 'base.cfg'), 'utf8'));
    await bootstrap(['--spec', SPEC, '--file', file]);
    expect((await bootstrap(['--spec', SPEC, '--file', file, '--check'])).exitCode).toBe(0);
  });

  it('leaves the original in place when haproxy -c rejects the candidate', async () => {
    const file = target();
    const spec = join(tempDir('haproxy-spec'), 'spec.yaml');
    writeFileSync(
      spec,
      readFileSync(SPEC, 'utf8').replace('address: 10.0.20.103', 'address: no-such-host.invalid'),
    );
    const run = await bootstrap(['--spec', spec, '--file', file]);
    expect(run.exitCode).toBe(1);
    expect(run.report?.summary).toBe(`validation failed: ${file} unchanged`);
    expect(run.report?.checks.find((c) => c.name === 'validate')?.summary).toMatch(/no-such-host\.invalid/);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(fixtures, 'base.cfg'), 'utf8'));
    expect(readdirSync(join(file, '..'))).toEqual(['haproxy.cfg']);
  });

  it('puts the previous file back when the reload fails', async () => {
    const file = target();
    const run = await bootstrap([
      '--spec',
      SPEC,
      '--file',
      file,
      '--reload-cmd',
      'echo reload refused >&2; exit 1',
    ]);
    expect(run.exitCode).toBe(1);
    expect(run.report?.checks.find((c) => c.name === 'reload')?.summary).toBe(
      `failed, previous ${file} restored: reload refused`,
    );
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(fixtures, 'base.cfg'), 'utf8'));
    expect(existsSync(`${file}.bak`)).toBe(true);
  });

  it('lints wildcard binds, timeouts that cut IMAP IDLE or slow SMTP, and missing health checks', async () => {
    const spec = join(tempDir('haproxy-spec'), 'spec.yaml');
    writeFileSync(
      spec,
      [
        'backends:',
        '  - { name: imap, check: { type: none }, servers: [{ name: n1, address: 10.0.0.1, port: 10993 }] }',
        '  - { name: smtp, timeouts: { server: 5m }, servers: [{ name: n1, address: 10.0.0.1, port: 2525 }] }',
        'frontends:',
        '  - { name: imaps, bind: { address: 0.0.0.0, port: 993 }, backend: imap, timeouts: { client: 30s } }',
        '  - { name: mx, bind: { address: 10.0.0.254, port: 25 }, backend: smtp }',
        '',
      ].join('\n'),
    );
    const run = await bootstrap(['--spec', spec, '--file', target(), '--dry-run']);
    expect(run.report?.warnings).toEqual([
      'frontend imaps binds every address (0.0.0.0): on a firewall, bind the WAN or VIP address',
      'frontend imaps: a 30s timeout cuts IMAP IDLE (clients re-IDLE every 29 min; use at least 31m)',
      'frontend mx: a 5m timeout can cut slow SMTP (RFC 5321 waits up to 10 min after DATA)',
      'backend imap has no health check: a dead server keeps getting connections',
    ]);
  });

  it('rejects unknown keys, bad ports, duplicate names and a missing backend with one line each', async () => {
    const cases: [string, string][] = [
      [
        'backends: []\nfrontends: [{ name: a, bind: { address: 1.2.3.4, port: 25 }, backend: a, retries: 3 }]\n',
        'frontends[0].retries: expected no such key (unknown keys are rejected), got "retries"',
      ],
      [
        'backends: [{ name: b, servers: [{ name: s, address: 1.2.3.4, port: 70000 }] }]\nfrontends: []\n',
        'backends[0].servers[0].port: expected a port from 1 to 65535, got 70000',
      ],
      [
        'backends: [{ name: b, servers: [{ name: s, address: 1.2.3.4, port: 25 }] }, { name: b, servers: [{ name: s, address: 1.2.3.4, port: 25 }] }]\nfrontends: []\n',
        'backends: expected backend names that are unique, got a list',
      ],
      [
        'backends: []\nfrontends: [{ name: a, bind: { address: 1.2.3.4, port: 25 }, backend: nowhere }]\n',
        'frontends[0].backend: expected the name of a declared backend, got "nowhere"',
      ],
    ];
    for (const [text, message] of cases) {
      const spec = join(tempDir('haproxy-spec'), 'spec.yaml');
      writeFileSync(spec, text);
      const run = await bootstrap(['--spec', spec, '--file', target()]);
      expect(run.exitCode).toBe(2);
      expect(run.stderr.trim()).toBe(`mailops: ${spec}: ${message}`);
    }
  });
});
