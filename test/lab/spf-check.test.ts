import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { Report } from '../../src/checks/types.js';
import { BIN, mailops, waitForLine } from '../helpers/cli.js';
import { execa } from 'execa';

const lab = inject('lab');
const A = lab.dns.server;
const B = lab.dnsNext.server;

async function spf(args: string[]) {
  const result = await mailops(['spf-check', ...args, '--output', 'json']);
  const report = result.stdout ? (JSON.parse(result.stdout) as Report) : undefined;
  const check = (name: string) => report?.checks.find((c) => c.name === name);
  const metric = (name: string, labels: Record<string, string> = {}) =>
    report?.metrics
      .find((m) => m.name === name)
      ?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  return { ...result, report, check, metric };
}

/** A waiting run, and `change` made once its first poll has failed: the run must see it on a later poll. */
async function afterFirstPoll(args: string[], change: () => void) {
  const child = execa(process.execPath, [BIN, 'spf-check', ...args, '--output', 'json'], {
    reject: false,
    stdin: 'ignore',
    timeout: 60_000,
  });
  await waitForLine(child.stderr, /resolvers: fail: poll 1/);
  change();
  const result = await child;
  const report = JSON.parse(result.stdout) as Report;
  return {
    exitCode: result.exitCode,
    report,
    check: (name: string) => report.checks.find((c) => c.name === name),
  };
}

describe('spf-check against real authoritative DNS (Knot)', () => {
  it('passes when both servers serve the record and every expectation holds', async () => {
    const run = await spf([
      'spf.test',
      '--resolver',
      A,
      '--resolver',
      B,
      '--expect-include',
      '_spf.provider.spf.test',
      '--expect-all',
      '~all',
      '--expect-pass',
      '198.51.100.20',
      '--expect-fail',
      '203.0.113.5',
    ]);
    // 203.0.113.5 is only softfailed by ~all: that expectation must fail, naming what was found.
    expect(run.exitCode).toBe(1);
    expect(run.check('expect fail:203.0.113.5')?.summary).toBe(`${A}: found softfail; ${B}: found softfail`);
    expect(run.check('expect include:_spf.provider.spf.test')?.status).toBe('pass');
    expect(run.check('expect all:~all')?.status).toBe('pass');
    expect(run.check('expect pass:198.51.100.20')?.status).toBe('pass');
    expect(run.check('agreement')?.status).toBe('pass');
    expect(run.metric('spf_record_present', { resolver: A, domain: 'spf.test' })).toBe(1);
    expect(run.metric('spf_resolvers_agree')).toBe(1);
    expect(run.metric('spf_dns_lookups', { resolver: B })).toBe(2);
    expect(run.metric('spf_expectation_met', { expectation: 'fail:203.0.113.5' })).toBe(0);
    expect(run.metric('spf_expectation_met', { expectation: 'include:_spf.provider.spf.test' })).toBe(1);
    expect(run.metric('spf_check_success')).toBe(0);

    const ok = await spf(['spf.test', '--resolver', A, '--resolver', B, '--expect-all', '~all']);
    expect(ok.exitCode).toBe(0);
    expect(ok.metric('spf_check_success')).toBe(1);
  });

  it('reports two servers that serve different versions of a record, by name', async () => {
    const run = await spf(['changing.spf.test', '--resolver', A, '--resolver', B]);
    expect(run.exitCode).toBe(1);
    expect(run.check('agreement')?.summary).toBe(
      `${A}: v=spf1 ip4:192.0.2.0/24 ~all | ${B}: v=spf1 ip4:192.0.2.0/24 include:_spf.provider.spf.test -all`,
    );
    expect(run.metric('spf_resolvers_agree')).toBe(0);
  });

  it('an include is met by reachability, not by a substring of the record', async () => {
    const run = await spf(['changing.spf.test', '--resolver', A, '--expect-include', 'provider.spf.test']);
    expect(run.exitCode).toBe(1);
    expect(run.check('expect include:provider.spf.test')?.summary).toBe(`${A}: found no include or redirect`);
    const redirected = await spf([
      'redirected.spf.test',
      '--resolver',
      A,
      '--expect-include',
      '_spf.provider.spf.test',
      '--expect-all',
      '-all',
    ]);
    expect(redirected.exitCode).toBe(0);
  });

  it('--wait-for-propagation polls until the lagging server has the new record', async () => {
    // wait.test is this file's alone: other files, running meanwhile, read spf.test as published.
    const zone = join(lab.dns.zonesDir, 'wait.test.zone');
    const old = readFileSync(zone, 'utf8');
    const next = readFileSync(join(lab.dnsNext.zonesDir, 'wait.test.zone'), 'utf8');
    const publish = (text: string) => {
      writeFileSync(zone, text);
      execFileSync('/usr/sbin/knotc', ['-c', lab.dns.conf, 'zone-reload', 'wait.test'], { stdio: 'pipe' });
    };
    const args = ['wait.test', '--resolver', A, '--resolver', B, '--expect-all', '-all'];
    try {
      const stale = await spf([
        ...args,
        '--wait-for-propagation',
        '--interval',
        '200ms',
        // Room for several whole polls while other test files load the machine.
        '--timeout',
        '4s',
      ]);
      expect(stale.exitCode).toBe(1);
      expect(stale.report?.summary).toMatch(/^SPF of wait\.test FAILED after \d+ polls: /);
      expect(stale.check('expect all:-all')?.summary).toBe(`${A}: found ~all`);

      const converged = await afterFirstPoll(
        [...args, '--wait-for-propagation', '--interval', '200ms', '--timeout', '20s'],
        () => publish(next),
      );
      expect(converged.exitCode).toBe(0);
      expect(converged.report?.summary).toMatch(/OK on 2 resolvers after ([2-9]|\d{2,}) polls$/);
    } finally {
      publish(old);
    }
  });

  it('--authoritative asks each name server directly, and waits for all of them to serve the record', async () => {
    const port = String(lab.dns.port);
    // ns1 (127.0.0.1) and ns2 (127.0.0.2) are the two Knots, on one port.
    const changing = await spf([
      'changing.spf.test',
      '--resolver',
      A,
      '--authoritative',
      '--authoritative-port',
      port,
    ]);
    expect(changing.exitCode).toBe(1);
    const check = changing.check('authoritative');
    expect(check?.status).toBe('fail');
    expect(check?.summary).toMatch(
      /^authoritative servers of spf\.test serve different records: ns1\.spf\.test \(127\.0\.0\.1:\d+\): v=spf1 ip4:192\.0\.2\.0\/24 ~all \| ns2\.spf\.test \(127\.0\.0\.2:\d+\): v=spf1 ip4:192\.0\.2\.0\/24 include:_spf\.provider\.spf\.test -all$/,
    );
    expect(check?.details).toMatchObject({
      kind: 'spf-authoritative',
      zone: 'spf.test',
      sameSerial: false,
      sameRecord: false,
      servers: [
        { ns: 'ns1.spf.test', server: `127.0.0.1:${port}`, serial: 2026120101 },
        { ns: 'ns2.spf.test', server: `127.0.0.2:${port}`, serial: 2026120102 },
      ],
    });
    expect(changing.metric('spf_authoritative_agree', { domain: 'changing.spf.test' })).toBe(0);

    // The same record on both, though the zone's serials differ: a pass, with a warning.
    const split = await spf([
      'split.spf.test',
      '--resolver',
      A,
      '--authoritative',
      '--authoritative-port',
      port,
    ]);
    expect(split.exitCode).toBe(0);
    expect(split.check('authoritative')?.summary).toBe(
      "2 servers of spf.test serve the resolvers' record (serial 2026120101, 2026120102)",
    );
    expect(split.report?.warnings).toContain(
      `the name servers of spf.test serve the same record but different SOA serials: ns1.spf.test (127.0.0.1:${port}) 2026120101, ns2.spf.test (127.0.0.2:${port}) 2026120102`,
    );

    const zone = join(lab.dns.zonesDir, 'wait.test.zone');
    const old = readFileSync(zone, 'utf8');
    const publish = (text: string) => {
      writeFileSync(zone, text);
      execFileSync('/usr/sbin/knotc', ['-c', lab.dns.conf, 'zone-reload', 'wait.test'], { stdio: 'pipe' });
    };
    try {
      // The resolver asked is ns2 itself: only asking ns1 directly shows that it lags.
      const args = ['wait.test', '--resolver', B, '--authoritative', '--authoritative-port', port];
      const converged = await afterFirstPoll(
        [...args, '--wait-for-propagation', '--interval', '200ms', '--timeout', '20s'],
        () => publish(readFileSync(join(lab.dnsNext.zonesDir, 'wait.test.zone'), 'utf8')),
      );
      expect(converged.exitCode).toBe(0);
      expect(converged.report?.summary).toMatch(/OK on 1 resolver after ([2-9]|\d{2,}) polls$/);
      expect(converged.check('authoritative')?.details).toMatchObject({ sameSerial: true, sameRecord: true });
    } finally {
      publish(old);
    }
  });

  it('names a resolver that never answers, and fails within the deadline', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    const dead = `127.0.0.1:${silent.address().port}`;
    try {
      const run = await spf(['spf.test', '--resolver', A, '--resolver', dead, '--query-timeout', '400ms']);
      expect(run.exitCode).toBe(1);
      expect(run.check(`record@${dead}`)?.summary).toBe('TXT spf.test: timed out');
      expect(run.check(`record@${A}`)?.status).toBe('pass');
      expect(run.metric('spf_record_present', { resolver: dead })).toBe(0);
      expect(run.report?.summary).toBe(`SPF of spf.test FAILED: ${dead}: TXT spf.test: timed out`);
    } finally {
      silent.close();
    }
  });

  it('joins a TXT record split into several strings', async () => {
    const run = await spf([
      'split.spf.test',
      '--resolver',
      A,
      '--expect-pass',
      '198.51.100.1',
      '--expect-all',
      '-all',
    ]);
    expect(run.exitCode).toBe(0);
    expect(run.check(`record@${A}`)?.summary).toBe(
      '"v=spf1 ip4:192.0.2.0/24 include:_spf.provider.spf.test -all" (1/10 lookups, 0/2 void)',
    );
  });

  it('fails a record over the lookup limit, and check_host() gives permerror', async () => {
    const run = await spf(['over.spf.test', '--resolver', A, '--ip', '192.0.2.111']);
    expect(run.exitCode).toBe(1);
    expect(run.check(`record@${A}`)?.summary).toMatch(
      /: 11 DNS lookups, over the limit of 10 \(permerror\)$/,
    );
    expect(run.check(`check_host 192.0.2.111@${A}`)?.summary).toMatch(/^permerror: /);
    expect(run.metric('spf_dns_lookups', { resolver: A })).toBe(11);
  });

  it('never sends a name with a label over 63 characters: the term does not match', async () => {
    const run = await spf(['longlabel.spf.test', '--resolver', A, '--ip', '192.0.2.1', '--output', 'json']);
    const host = run.check(`check_host 192.0.2.1@${A}`);
    expect(host?.summary).toMatch(/^(fail|permerror): /);
    const trace = host?.details?.kind === 'spf-check-host' ? host.details.trace : [];
    expect(trace.length).toBeGreaterThan(0);
    expect(trace.some((t) => t.type === 'A' && /l{64}/.test(t.name))).toBe(false);
    const record = run.check(`record@${A}`)?.details;
    expect(record?.kind === 'spf-record' ? record.terms.map((t) => t.note) : []).toContain(
      'a label over 63 characters: never matches',
    );
  });

  it.each([
    ['bad-cidr', 1, 'ip4-cidr', '/33: an IPv4 prefix length is at most 32'],
    ['bad-ip6', 1, 'ip6-network', 'expected an IPv6 address, got "zz::1"'],
    ['bad-ip4', 1, 'ip4-network', 'expected an IPv4 address, got "300.1.1.1"'],
    ['two-exp', 2, 'modifier-twice', 'exp= may appear at most once'],
    ['bad-mx-cidr', 1, 'ip4-cidr', '/33: an IPv4 prefix length is at most 32'],
    ['bad-macro', 1, 'macro', '%{z} is not a macro letter (s l o d i p h c r t v)'],
    ['two-redirect', 2, 'modifier-twice', 'redirect= may appear at most once'],
  ])(
    'fails %s.spf.test, naming term %i and the rule %s, with no DNS noise',
    async (name, position, rule, message) => {
      const domain = `${name}.spf.test`;
      const run = await spf([domain, '--resolver', A, '--output', 'json']);
      expect(run.exitCode).toBe(1);
      const record = run.check(`record@${A}`);
      expect(record?.status).toBe('fail');
      const details = record?.details?.kind === 'spf-record' ? record.details : undefined;
      expect(details?.syntax).toContainEqual(
        expect.objectContaining({ path: [domain], position, rule, message, severity: 'error' }),
      );
      // The grammar's verdict alone: the broken record's includes and redirects are not followed.
      expect(details?.errors).toHaveLength(1);
      expect(details?.errors[0]).toMatch(new RegExp(`^${domain}: term ${position} ".*": .*\\(permerror\\)$`));
    },
  );

  it('counts a name with A but no AAAA as void for IPv6 clients only, and says so', async () => {
    const run = await spf(['v4only.spf.test', '--resolver', A, '--output', 'json']);
    expect(run.exitCode).toBe(0);
    const details = run.check(`record@${A}`)?.details;
    expect(details?.kind === 'spf-record' && details.voidByFamily).toEqual({ ipv4: 0, ipv6: 3 });
    expect(details?.kind === 'spf-record' && details.voidLookups).toBe(0);
    expect(run.report?.warnings.join('\n')).toContain('3 void lookups for IPv6 clients');
  });

  it('fails two v=spf1 records, too many void lookups, and warns of +all through an include', async () => {
    const two = await spf(['two.spf.test', '--resolver', A]);
    expect(two.check(`record@${A}`)?.summary).toBe(
      'two.spf.test publishes 2 v=spf1 records; exactly one is allowed (permerror)',
    );
    const voids = await spf(['voids.spf.test', '--resolver', A]);
    expect(voids.exitCode).toBe(1);
    expect(voids.metric('spf_void_lookups', { resolver: A })).toBe(3);
    const ptr = await spf(['ptr.spf.test', '--resolver', A]);
    expect(ptr.report?.warnings).toContain(
      'ptr.spf.test: "ptr" uses ptr, which RFC 7208 §5.5 says not to use',
    );
    const open = await spf(['open.spf.test', '--resolver', A]);
    expect(open.report?.warnings).toContain(
      '+all reachable through open.spf.test > _spf.open.spf.test: it authorises every address on the internet',
    );
  });

  it('shows check_host() with its trace and the exp= explanation', async () => {
    const text = await mailops(['spf-check', 'spf.test', '--resolver', A, '--ip', '198.51.100.20']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain(`check_host(198.51.100.20) on ${A}: pass`);
    expect(text.stdout).toContain('  TXT _spf.provider.spf.test -> "v=spf1 ip4:198.51.100.0/24 -all"');
  });

  it('names the term that decided check_host(), through includes and redirects, in JSON and text', async () => {
    const match = async (domain: string, ip: string) => {
      const run = await spf([domain, '--resolver', A, '--ip', ip, '--output', 'json']);
      const details = run.check(`check_host ${ip}@${A}`)?.details;
      return details?.kind === 'spf-check-host' ? details.match : undefined;
    };
    const provider = { domain: '_spf.provider.spf.test', term: 'ip4:198.51.100.0/24' };
    expect(await match('spf.test', '198.51.100.20')).toEqual({
      via: [{ domain: 'spf.test', term: 'include:_spf.provider.spf.test' }],
      term: provider,
    });
    expect(await match('redirected.spf.test', '198.51.100.20')).toEqual({
      via: [{ domain: 'redirected.spf.test', term: 'redirect=_spf.provider.spf.test' }],
      term: provider,
    });
    expect(await match('spf.test', '203.0.113.9')).toEqual({
      via: [],
      term: { domain: 'spf.test', term: '~all' },
    });
    expect(await match('over.spf.test', '192.0.2.111')).toBeUndefined();
    const text = await mailops(['spf-check', 'spf.test', '--resolver', A, '--ip', '198.51.100.20']);
    expect(text.stdout).toContain(
      '  decided by: include:_spf.provider.spf.test in spf.test -> ip4:198.51.100.0/24 in _spf.provider.spf.test',
    );
    // The terms evaluated on the way, in order, as data: spf.test is "ip4:192.0.2.0/24 mx include:... ~all".
    const traced = await spf(['spf.test', '--resolver', A, '--ip', '198.51.100.20']);
    const details = traced.check(`check_host 198.51.100.20@${A}`)?.details;
    const terms = details?.kind === 'spf-check-host' ? details.terms : undefined;
    expect(terms?.map((t) => [t.domain, t.term, t.depth, t.outcome, t.lookups])).toEqual([
      ['spf.test', 'ip4:192.0.2.0/24', 0, 'no-match', 0],
      ['spf.test', 'mx', 0, 'no-match', 1],
      ['spf.test', 'include:_spf.provider.spf.test', 0, 'match', 1],
      ['_spf.provider.spf.test', 'ip4:198.51.100.0/24', 1, 'match', 0],
    ]);
    expect(terms?.[1]?.questions.map((q) => `${q.type} ${q.name} ${q.answer?.join(',') ?? q.error}`)).toEqual(
      ['MX spf.test 10 mail.spf.test', 'A mail.spf.test 192.0.2.10'],
    );
    expect(text.stdout).toMatch(
      /^ {4}mx +spf\.test +no match +1 lookup +MX spf\.test -> .*; A mail\.spf\.test -> 192\.0\.2\.10$/m,
    );
  });

  it("shows the domain's exp= explanation for a fail", async () => {
    const text = await mailops(['spf-check', 'explained.spf.test', '--resolver', A, '--ip', '203.0.113.9']);
    expect(text.stdout).toContain(`check_host(203.0.113.9) on ${A}: fail`);
    expect(text.stdout).toContain("  exp: 203.0.113.9 is not one of explained.spf.test's senders");
  });

  it('parses DMARC and checks the expected policy', async () => {
    const run = await spf(['spf.test', '--resolver', A, '--expect-dmarc-policy', 'reject']);
    expect(run.exitCode).toBe(1);
    expect(run.check(`dmarc@${A}`)?.summary).toBe(
      'p=quarantine sp=reject pct=50 adkim=s aspf=r rua=mailto:dmarc@spf.test at _dmarc.spf.test',
    );
    expect(run.check('expect dmarc-policy:reject')?.summary).toBe(`${A}: found p=quarantine`);
  });

  it('rejects a bad resolver address with one line and exit 2', async () => {
    const run = await mailops(['spf-check', 'spf.test', '--resolver', 'dns.example:53']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toBe(
      'mailops: --resolver: expected ip, ip:port or [ipv6]:port, got "dns.example:53"',
    );
  });
});

describe('spf-check --dmarc: report destinations (RFC 7489 7.1) against Knot', () => {
  const dmarc = async (domain: string) => {
    const run = await spf([domain, '--resolver', A, '--dmarc']);
    const details = run.check(`dmarc@${A}`)?.details;
    return { ...run, record: details?.kind === 'dmarc' ? details.record : undefined };
  };
  const authorizedAt = (name: string) => ({ external: true, authorization: name, authorized: true });

  it('passes an internal rua and external rua and ruf (with !size) the provider authorized; np, sp, pct as data', async () => {
    const run = await dmarc('dmarc.test');
    expect(run.exitCode).toBe(0);
    expect(run.check(`dmarc@${A}`)?.status).toBe('pass');
    expect(run.record).toMatchObject({
      p: 'reject',
      sp: 'quarantine',
      np: 'reject',
      pct: 50,
      at: '_dmarc.dmarc.test',
    });
    expect(run.record?.destinations).toEqual([
      { tag: 'rua', uri: 'mailto:dmarc@dmarc.test', scheme: 'mailto', domain: 'dmarc.test', external: false },
      {
        tag: 'rua',
        uri: 'mailto:agg@reports.test',
        scheme: 'mailto',
        domain: 'reports.test',
        ...authorizedAt('dmarc.test._report._dmarc.reports.test'),
      },
      {
        tag: 'ruf',
        uri: 'mailto:forensic@reports.test!10m',
        scheme: 'mailto',
        size: '10m',
        domain: 'reports.test',
        ...authorizedAt('dmarc.test._report._dmarc.reports.test'),
      },
    ]);
    expect(run.check(`dmarc@${A}`)?.summary).toBe(
      'p=reject sp=quarantine np=reject pct=50 adkim=r aspf=r rua=mailto:dmarc@dmarc.test,mailto:agg@reports.test ruf=mailto:forensic@reports.test!10m at _dmarc.dmarc.test',
    );
  });

  it("a subdomain without a record uses its organisational domain's, and that domain's authorization", async () => {
    const run = await dmarc('sub.dmarc.test');
    expect(run.exitCode).toBe(0);
    expect(run.record?.at).toBe('_dmarc.dmarc.test');
    expect(run.record?.destinations?.map((d) => d.authorization)).toEqual([
      undefined,
      'dmarc.test._report._dmarc.reports.test',
      'dmarc.test._report._dmarc.reports.test',
    ]);
    expect(run.record?.destinations?.every((d) => d.problem === undefined)).toBe(true);
  });

  it('fails, naming it, a destination that has not authorized the domain', async () => {
    const run = await dmarc('unauthorized.dmarc.test');
    const why =
      'rua mailto:agg@reports.test: reports.test has not authorized unauthorized.dmarc.test (no v=DMARC1 at unauthorized.dmarc.test._report._dmarc.reports.test)';
    expect(run.exitCode).toBe(1);
    expect(run.check(`dmarc@${A}`)?.status).toBe('fail');
    expect(run.check(`dmarc@${A}`)?.summary).toBe(why);
    expect(run.report?.summary).toBe(`SPF of unauthorized.dmarc.test FAILED: ${why}`);
    expect(run.record?.destinations).toEqual([
      expect.objectContaining({
        external: true,
        authorized: false,
        problem: { kind: 'unauthorized', message: why },
      }),
    ]);
  });

  it('needs no authorization for a subdomain of the organisational domain; an https: URI is a warning', async () => {
    const run = await dmarc('internal.dmarc.test');
    const warning =
      'rua https://reports.test/dmarc: not checked: receivers need only support mailto: URIs (RFC 7489 6.2), not https:';
    expect(run.exitCode).toBe(0);
    expect(run.record?.destinations).toEqual([
      {
        tag: 'rua',
        uri: 'mailto:dmarc@reports.dmarc.test',
        scheme: 'mailto',
        domain: 'reports.dmarc.test',
        external: false,
      },
      {
        tag: 'rua',
        uri: 'https://reports.test/dmarc',
        scheme: 'https',
        domain: 'reports.test',
        problem: { kind: 'unsupported', message: warning },
      },
    ]);
    expect(run.report?.warnings).toContain(warning);
  });

  it('an authorization query that fails is unknown (temperror), not unauthorized', async () => {
    const run = await dmarc('unknown.dmarc.test');
    expect(run.exitCode).toBe(1);
    expect(run.check(`dmarc@${A}`)?.status).toBe('error');
    const [destination] = run.record?.destinations ?? [];
    expect(destination).toMatchObject({ external: true, problem: { kind: 'temperror' } });
    expect(destination).not.toHaveProperty('authorized');
    expect(run.report?.summary).toBe(
      'SPF of unknown.dmarc.test FAILED: rua mailto:agg@reports.invalid: TXT unknown.dmarc.test._report._dmarc.reports.invalid: refused (temperror)',
    );
  });

  it('lists the destinations in the text output', async () => {
    const text = await mailops(['spf-check', 'unauthorized.dmarc.test', '--resolver', A, '--dmarc']);
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toContain(
      [
        'DMARC report destinations (policy at _dmarc.unauthorized.dmarc.test)',
        '  rua  mailto:agg@reports.test  NOT authorized: no v=DMARC1 at unauthorized.dmarc.test._report._dmarc.reports.test',
      ].join('\n'),
    );
  });
});
