import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, inject, it } from 'vitest';
import type { Report } from '../../src/checks/types.js';
import { recordFault, runTimed } from '../helpers/faults.js';
import { probeArgs, probeEnv } from '../helpers/probe.js';
import { tempDir } from '../helpers/scratch.js';

const lab = inject('lab');
const user = lab.users[0]!;

/** One check with a budget of 20 s an attempt: a mismatch must be said at once, and not retried. */
async function gateOn(check: Record<string, unknown>) {
  const file = join(tempDir('gate'), 'gate.yaml');
  writeFileSync(
    file,
    stringify({
      'readiness-gate': {
        checks: [{ name: 'c', 'attempt-timeout': '20s', 'ca-file': lab.caFile, ...check }],
      },
    }),
  );
  const run = await runTimed(['readiness-gate', '--config', file, '--timeout', '60s', '--output', 'json'], {
    env: { MAILBOX_PASSWORD: user.password },
  });
  return { run, check: (JSON.parse(run.stdout) as Report).checks[0]! };
}

const login = { user: user.address, 'password-env': 'MAILBOX_PASSWORD' };

describe('a TLS mismatch is said at once (real Dovecot and Postfix)', () => {
  it.each([
    [
      'IMAP greeting expected, IMAPS port',
      { kind: 'imap', port: lab.imap.imapsPort, tls: 'none' },
      'TLS from the start: use tls: implicit',
    ],
    [
      'IMAP STARTTLS login, IMAPS port',
      { kind: 'imap', port: lab.imap.imapsPort, tls: 'starttls', ...login },
      'TLS from the start: use tls: implicit',
    ],
    [
      'SMTP STARTTLS, implicit-TLS submission port',
      { kind: 'smtp', port: lab.smtp.submissionsPort, tls: 'starttls' },
      'TLS from the start: use tls: implicit',
    ],
    [
      'IMAPS expected, plain IMAP port',
      { kind: 'imap', port: lab.imap.imapPort, tls: 'implicit' },
      'plain text first, not TLS: use tls: starttls (or none)',
    ],
    [
      'IMAPS login, plain IMAP port',
      { kind: 'imap', port: lab.imap.imapPort, tls: 'implicit', ...login },
      'plain text first, not TLS: use tls: starttls (or none)',
    ],
    [
      'SMTP implicit TLS, STARTTLS submission port',
      { kind: 'smtp', port: lab.smtp.submissionPort, tls: 'implicit' },
      'plain text first, not TLS: use tls: starttls (or none)',
    ],
  ] as const)('readiness-gate: %s', async (fault, check, said) => {
    const { run, check: result } = await gateOn({ host: '127.0.0.1', ...check });
    expect(run.exitCode).toBe(1);
    expect(result.summary).toBe(`failed for good: 127.0.0.1:${check.port}: the server speaks ${said}`);
    expect(result.attempts).toBe(1);
    recordFault({
      fault: `TLS mismatch: ${fault}`,
      command: 'readiness-gate, attempt-timeout 20s',
      seconds: run.seconds,
      exitCode: run.exitCode,
      pushed: '`readiness_gate_success 0`',
      left: 'nothing',
    });
  });

  it('probe-roundtrip: an IMAPS listener on a non-standard port, the TLS mode left to its default', async () => {
    // The lab's IMAPS port is not 993, so --imap-tls defaults to starttls: the operator story's 10993 case.
    const run = await runTimed(
      probeArgs(lab, [
        '--verify-only',
        '--imap-port',
        String(lab.imap.imapsPort),
        '--connect-timeout',
        '20s',
      ]).filter((arg, i, all) => arg !== '--imap-tls' && all[i - 1] !== '--imap-tls'),
      { env: probeEnv(lab) },
    );
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(
      /Verify FAILED at connect: 127\.0\.0\.1:\d+: the server speaks TLS from the start: use --imap-tls implicit$/m,
    );
    recordFault({
      fault: 'TLS mismatch: IMAPS on a non-standard port, `--imap-tls` left to its default',
      command: 'probe-roundtrip --verify-only --connect-timeout 20s',
      seconds: run.seconds,
      exitCode: run.exitCode,
      pushed: 'nothing (--verify-only)',
      left: 'nothing',
    });
  });

  it.each([
    ['--dry-run', ['--dry-run']],
    ['a real send', []],
  ] as const)(
    'probe-roundtrip: SMTP submission over implicit TLS on a non-standard port (%s)',
    async (_, extra) => {
      const args = probeArgs(lab, [...extra, '--connect-timeout', '20s']);
      const port = args.indexOf('--smtp-port');
      args.splice(port, 2, '--smtp-port', String(lab.smtp.submissionsPort));
      const run = await runTimed(args, { env: probeEnv(lab) });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toMatch(
        /FAILED at send: .*the server speaks TLS from the start: use --smtp-tls implicit$/m,
      );
    },
  );
});
