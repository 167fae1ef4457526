import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { DetailsOf, Report } from '../../src/checks/types.js';
import { mailops } from '../helpers/cli.js';
import { ownJob, scrape } from '../helpers/pushgateway.js';
import { tempDir } from '../helpers/scratch.js';

const lab = inject('lab');
const A = lab.dns.server;
const B = lab.dnsNext.server;
const gw = lab.pushgateway.url;

function domainsFile(lines: string[]): string {
  const file = join(tempDir('spf-domains'), 'domains.txt');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const json = (stdout: string) => JSON.parse(stdout) as Report;
const row = (report: Report, domain: string) => {
  const check = report.checks.find((c) => c.name === domain);
  return { check, details: check?.details as DetailsOf<'spf-domain'> | undefined };
};

describe('spf-check over many domains', () => {
  it('checks positional domains and a --domains-file, one check per domain, naming the failing ones', async () => {
    const file = domainsFile([
      '# customers of the platform',
      'split.spf.test',
      'over.spf.test   # eleven lookups',
      '',
      'spf.test',
      'SPF.test.',
      'changing.spf.test',
      'bad-cidr.spf.test',
    ]);
    const args = ['spf-check', 'redirected.spf.test', '--domains-file', file, '--resolver', A];
    const run = await mailops([...args, '--resolver', B, '--output', 'json']);
    expect(run.exitCode).toBe(1);
    const report = json(run.stdout);
    // Arguments first, then the file's, each domain once.
    expect(report.checks.map((c) => c.name)).toEqual([
      'redirected.spf.test',
      'split.spf.test',
      'over.spf.test',
      'spf.test',
      'changing.spf.test',
      'bad-cidr.spf.test',
    ]);
    expect(report.summary).toBe(
      'SPF FAILED for 3 of 6 domains: over.spf.test, changing.spf.test, bad-cidr.spf.test',
    );
    const over = row(report, 'over.spf.test');
    expect(over.check?.status).toBe('fail');
    expect(over.details).toMatchObject({ domain: 'over.spf.test', lookups: 11, agree: true, all: '-' });
    // The checks a run of that domain alone gives, nested.
    expect(over.details?.checks.map((c) => c.name)).toEqual([`record@${A}`, `record@${B}`, 'agreement']);
    const split = row(report, 'split.spf.test');
    expect(split.check?.status).toBe('pass');
    expect(split.details).toMatchObject({ lookups: 1, all: '-', expectations: { met: 0, total: 0 } });
    // changing.spf.test changes between the two servers (fixtures/zones-next): they disagree.
    expect(row(report, 'changing.spf.test').details?.agree).toBe(false);
    expect(row(report, 'spf.test').details?.agree).toBe(true);
    const lookups = report.metrics.find((m) => m.name === 'spf_dns_lookups')?.samples ?? [];
    expect(lookups.filter((s) => s.labels.resolver === A).map((s) => [s.labels.domain, s.value])).toEqual([
      ['redirected.spf.test', 1],
      ['split.spf.test', 1],
      ['over.spf.test', 11],
      ['spf.test', 2],
      ['changing.spf.test', 0],
      ['bad-cidr.spf.test', 0],
    ]);

    const text = await mailops([...args, '--expect-all', '-all']);
    expect(text.exitCode).toBe(1);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/^ {8}domain +agree +lookups +void +all +expected +reason$/);
    expect(lines.find((l) => l.includes(' over.spf.test '))).toMatch(
      /^ {2}FAIL {2}over\.spf\.test +yes +11\/10 +0 +-all +1\/1 +127\.0\.0\.1:\d+: 11 DNS lookups, over the limit of 10 \(permerror\)$/,
    );
    expect(lines.find((l) => l.includes(' split.spf.test '))).toMatch(
      /^ {2}PASS {2}split\.spf\.test +yes +1\/10 +0 +-all +1\/1$/,
    );
    expect(lines.find((l) => l.includes(' spf.test '))).toMatch(
      /FAIL {2}spf\.test .* expected all:-all, found ~all$/,
    );
  });

  it('pushes one group per domain: a later run of one domain leaves the others in place', async () => {
    const job = ownJob('spf-domains');
    const push = ['--pushgateway', gw, '--job', job];
    const many = await mailops(['spf-check', 'split.spf.test', 'over.spf.test', '--resolver', A, ...push]);
    expect(many.exitCode).toBe(1);
    const one = await mailops(['spf-check', 'split.spf.test', '--resolver', A, ...push]);
    expect(one.exitCode).toBe(0);
    const success = await scrape(gw, job, 'spf_check_success');
    expect(Object.fromEntries(success)).toEqual({
      '{domain="over.spf.test",instance=""}': 0,
      '{domain="split.spf.test",instance=""}': 1,
    });
    const lookups = await scrape(gw, job, 'spf_dns_lookups');
    expect(lookups.get(`{domain="over.spf.test",instance="",resolver="${A}"}`)).toBe(11);
    expect(lookups.get(`{domain="split.spf.test",instance="",resolver="${A}"}`)).toBe(1);
  });

  it('gives the same verdicts one domain at a time as 32 at a time', async () => {
    const domains = ['spf.test', 'split.spf.test', 'over.spf.test', 'voids.spf.test', 'two.spf.test'];
    const verdicts = async (concurrency: string) => {
      const run = await mailops([
        'spf-check',
        ...domains,
        '--resolver',
        A,
        '--concurrency',
        concurrency,
        '--output',
        'json',
      ]);
      return json(run.stdout).checks.map((c) => [c.name, c.status, c.summary]);
    };
    const serial = await verdicts('1');
    expect(serial.filter(([, status]) => status === 'fail')).toHaveLength(3);
    expect(await verdicts('32')).toEqual(serial);
  });

  it('rejects a bad domains file, a bad line and no domain at all with one line and exit 2', async () => {
    const missing = await mailops(['spf-check', '--domains-file', '/nonexistent/domains.txt']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr.trim()).toBe(
      'mailops: --domains-file: expected a readable file, got "/nonexistent/domains.txt" (ENOENT)',
    );
    const bad = await mailops(['spf-check', '--domains-file', domainsFile(['ok.example', 'not a domain'])]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim()).toBe('mailops: --domains-file line 2: expected a DNS name, got "not a domain"');
    const none = await mailops(['spf-check', '--domains-file', domainsFile(['# nothing yet'])]);
    expect(none.exitCode).toBe(2);
    expect(none.stderr.trim()).toBe(
      'mailops: domain: expected a domain argument or --domains-file with one, got none',
    );
  });
});
