import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { labGateEnv, labRoundtripCheck } from '../../lab/gate-checks.js';
import type { DetailsOf } from '../../src/checks/types.js';
import { gate } from '../helpers/gate.js';
import { bootstrappedHaproxy } from '../helpers/haproxy.js';
import { emptyMailbox, inboxSubjects } from '../helpers/imap.js';

const lab = inject('lab');
const secrets = labGateEnv(lab);
const roundtrip = labRoundtripCheck(lab);
const [gateUser, sink] = [lab.users[4]!, lab.users[3]!];

/** The evidence a gate check kept of its last attempt, when it is of the kind asked. */
function evidence<K extends NonNullable<DetailsOf<'gate-check'>['evidence']>['kind']>(
  run: Awaited<ReturnType<typeof gate>>,
  name: string,
  kind: K,
) {
  const details = run.check(name)?.details;
  const found = details?.kind === 'gate-check' ? details.evidence : undefined;
  return found?.kind === kind ? (found as Extract<typeof found, { kind: K }>) : undefined;
}

describe('readiness-gate mail-roundtrip through the lab’s Postfix and Dovecot', () => {
  it('is ready after the probe made the round trip as often in a row as successes asks, leaving nothing behind', async () => {
    const run = await gate([{ ...roundtrip, successes: 2 }], ['--timeout', '40s'], secrets);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.check('roundtrip')?.summary).toMatch(
      /^Round-trip SUCCESS in \d+\.\d+s \(2 passes in a row\)$/,
    );
    expect(run.check('roundtrip')?.attempts).toBe(2);
    const wait = evidence(run, 'roundtrip', 'probe-wait');
    // Postfix took it over authenticated TLS submission, then Dovecot stored it over LMTP.
    expect(wait?.hops.map((h) => [h.by, h.with])).toEqual([
      ['mail.mailops.test', 'ESMTPSA'],
      ['mail.mailops.test', 'LMTP'],
    ]);
    expect(wait?.roundtripMs).toBeGreaterThan(0);
    expect(await inboxSubjects(lab, gateUser)).toEqual([]);
  });

  it('is not ready with a wrong IMAP password: fails at auth before sending, and never shows the password', async () => {
    const wrong = 'Wr0ng-gate-imap-pa55';
    const run = await gate(
      [{ ...roundtrip, imap: { ...roundtrip.imap, 'password-env': 'WRONG_IMAP' } }],
      // Dovecot answers a wrong password only after its auth failure delay.
      ['--timeout', '10s'],
      { ...secrets, WRONG_IMAP: wrong },
    );
    expect(run.exitCode).toBe(1);
    expect(run.check('roundtrip')?.status).toBe('fail');
    expect(run.check('roundtrip')?.summary).toMatch(
      /^not ready at the deadline: Round-trip FAILED at auth: 127\.0\.0\.1:\d+: /,
    );
    expect(evidence(run, 'roundtrip', 'mailbox')?.port).toBe(lab.imap.imapsPort);
    expect(`${run.stdout}${run.stderr}`).not.toContain(wrong);
    expect(await inboxSubjects(lab, gateUser)).toEqual([]);
  });

  it('is not ready when the probe never arrives in the mailbox watched', async () => {
    try {
      const run = await gate(
        [{ ...roundtrip, to: sink.address, wait: '1s', 'attempt-timeout': '20s' }],
        ['--timeout', '10s'],
        secrets,
      );
      expect(run.exitCode).toBe(1);
      expect(run.check('roundtrip')?.summary).toMatch(
        /^not ready at the deadline: Round-trip FAILED at wait: no probe after 1 windows of 1\.0s \(\d+ searches\)$/,
      );
      expect(evidence(run, 'roundtrip', 'probe-wait')).toMatchObject({ windows: 1, hops: [] });
    } finally {
      await emptyMailbox(lab, sink);
    }
  });

  it('rejects a check without exactly one sender, an unset password variable and a wait that cannot fit', async () => {
    const none = await gate([{ ...roundtrip, smtp: undefined }]);
    expect(none.exitCode).toBe(2);
    expect(none.stderr.trim()).toBe(
      `mailops: ${none.file}: readiness-gate.checks[0]: expected exactly one of smtp, brevo or ses, got a mapping`,
    );
    const unset = await gate([roundtrip]);
    expect(unset.exitCode).toBe(2);
    expect(unset.stderr.trim()).toBe(
      'mailops: checks.roundtrip.imap.password-env: expected GATE_MAIL_PASSWORD to be set, got nothing',
    );
    const long = await gate([{ ...roundtrip, wait: '2m', 'attempt-timeout': '90s' }], [], secrets);
    expect(long.stderr.trim()).toBe(
      `mailops: ${long.file}: readiness-gate.checks[0].wait: expected a wait shorter than attempt-timeout (1m30s), got "2m"`,
    );
  });
});

describe('readiness-gate spf against the lab’s Knot servers', () => {
  const [A, B] = [lab.dns.server, lab.dnsNext.server];
  const spf = { name: 'spf', kind: 'spf', domain: 'spf.test', resolver: [A, B] };

  it('is ready when both servers serve a record meeting every expectation, DMARC included', async () => {
    const run = await gate([
      {
        ...spf,
        'expect-include': ['_spf.provider.spf.test'],
        'expect-all': '~all',
        'expect-pass': ['198.51.100.20'],
        'expect-dmarc-policy': 'quarantine',
      },
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.check('spf')?.summary).toBe('spf.test: OK: 2 lookups, ~all');
    const domain = evidence(run, 'spf', 'spf-domain');
    expect(domain).toMatchObject({ domain: 'spf.test', agree: true, expectations: { met: 4, total: 4 } });
    expect(domain?.checks.map((c) => c.name)).toContain('dmarc@' + A);
  });

  it('is not ready while the all qualifier and the DMARC policy are not the ones expected', async () => {
    const run = await gate(
      [{ ...spf, 'expect-all': '-all', 'expect-dmarc-policy': 'reject' }],
      ['--timeout', '4s'],
    );
    expect(run.exitCode).toBe(1);
    expect(run.check('spf')?.status).toBe('fail');
    expect(run.check('spf')?.summary).toBe(
      `not ready at the deadline: spf.test: ${A}: expected all:-all, found ~all`,
    );
    const expected = evidence(run, 'spf', 'spf-domain')?.checks.filter((c) => c.name.startsWith('expect '));
    expect(expected?.map((c) => [c.name, c.status, c.summary])).toEqual([
      ['expect all:-all', 'fail', `${A}: found ~all; ${B}: found ~all`],
      ['expect dmarc-policy:reject', 'fail', `${A}: found p=quarantine; ${B}: found p=quarantine`],
    ]);
  });

  it('names the field of a resolver that is not an address, before anything is asked', async () => {
    const run = await gate([{ ...spf, resolver: ['dns.example'] }]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toBe(
      'mailops: checks.spf.resolver: expected ip, ip:port or [ipv6]:port, got "dns.example"',
    );
  });
});

describe('readiness-gate haproxy-frontends through a real HAProxy that haproxy-bootstrap configured', () => {
  let haproxy: ChildProcess | undefined;
  afterAll(() => haproxy?.kill('SIGTERM'));

  it('is ready once every frontend answers with its backend’s banner, and names the one that does not', async () => {
    const started = await bootstrappedHaproxy(lab, 'gate-haproxy');
    haproxy = started.haproxy;
    const { full, live } = started;

    // Started just now: the gate waits for HAProxy to listen and its backends to answer.
    const ready = await gate([{ name: 'lb', kind: 'haproxy-frontends', spec: live }], ['--timeout', '30s']);
    expect(ready.exitCode, ready.stderr).toBe(0);
    expect(ready.check('lb')?.summary).toBe("all 2 frontends answer with their backend's banner");
    const answered = evidence(ready, 'lb', 'haproxy-frontends')?.frontends;
    expect(answered?.map((f) => [f.frontend, f.backend, f.status])).toEqual([
      ['smtp_in', 'postscreen', 'pass'],
      ['imap_in', 'dovecot', 'pass'],
    ]);
    expect(answered?.[1]?.banner?.line).toMatch(/^\* OK .*Dovecot.* ready\.$/);

    const down = await gate(
      [
        {
          name: 'lb',
          kind: 'haproxy-frontends',
          spec: full,
          'connect-timeout': '1s',
          'attempt-timeout': '3s',
        },
      ],
      ['--timeout', '6s'],
    );
    expect(down.exitCode).toBe(1);
    expect(down.check('lb')?.summary).toBe(
      'not ready at the deadline: 1 of 3 frontends gave no banner: dead_in',
    );
    const dead = evidence(down, 'lb', 'haproxy-frontends')?.frontends.find((f) => f.frontend === 'dead_in');
    expect(dead?.status).toBe('error');
    expect(dead?.summary).toMatch(/\(is backend gone up\?\)$/);
  });

  it('names the field of a spec file that cannot be read, and of a connect-timeout that cannot fit', async () => {
    const run = await gate([{ name: 'lb', kind: 'haproxy-frontends', spec: '/nonexistent/spec.yaml' }]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toBe(
      'mailops: checks.lb.spec: expected a readable YAML file, got "/nonexistent/spec.yaml" (ENOENT)',
    );
    const banner = await gate([
      { name: 'lb', kind: 'haproxy-frontends', spec: 'spec.yaml', 'connect-timeout': '10s' },
    ]);
    expect(banner.exitCode).toBe(2);
    expect(banner.stderr.trim()).toBe(
      `mailops: ${banner.file}: readiness-gate.checks[0].connect-timeout: expected a connect-timeout shorter than attempt-timeout (10s), got "10s"`,
    );
  });
});
