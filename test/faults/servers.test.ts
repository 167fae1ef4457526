import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Report } from '../../src/checks/types.js';
import { recordFault, runTimed } from '../helpers/faults.js';
import { tempDir } from '../helpers/scratch.js';
import {
  type Running,
  silentDnsServer,
  silentServer,
  stallingHttpServer,
  stallingProxy,
} from '../helpers/stand-ins.js';

const lab = inject('lab');
const user = lab.users[0]!;
const env = { MAILBOX_PASSWORD: user.password };
const running: Running[] = [];
const started = async (server: Promise<Running>) => {
  const one = await server;
  running.push(one);
  return one.port;
};

/**
 * One check under a 1 s attempt budget and a 4 s deadline. A server that stops answering must
 * cost one budget per attempt, so the check is attempted more than once before the deadline.
 */
async function gateOn(check: Record<string, unknown>, budget = { attempt: '1s', deadline: '4s' }) {
  const file = join(tempDir('gate'), 'gate.yaml');
  writeFileSync(
    file,
    stringify({
      'readiness-gate': {
        interval: '100ms',
        checks: [{ name: 'c', 'attempt-timeout': budget.attempt, ...check }],
      },
    }),
  );
  const run = await runTimed(
    ['readiness-gate', '--config', file, '--timeout', budget.deadline, '--output', 'json'],
    {
      env,
    },
  );
  const report = JSON.parse(run.stdout) as Report;
  return { run, report, check: report.checks[0]! };
}

const imap = {
  kind: 'imap',
  host: '127.0.0.1',
  tls: 'none',
  user: user.address,
  'password-env': 'MAILBOX_PASSWORD',
};
const smtp = { kind: 'smtp', host: '127.0.0.1', ehlo: 'faults.mailops.test' };

/** Checks against servers that stop answering, each made when its test starts. */
const STALLED: [string, () => Promise<Record<string, unknown>>][] = [
  [
    'IMAP silent after SELECT',
    async () => ({
      ...imap,
      port: await started(
        stallingProxy({ host: '127.0.0.1', port: lab.imap.imapPort }, { side: 'client', match: /SELECT/i }),
      ),
    }),
  ],
  [
    'SMTP silent after EHLO',
    async () => ({
      ...smtp,
      tls: 'none',
      port: await started(
        stallingProxy({ host: '127.0.0.1', port: lab.smtp.smtpPort }, { side: 'client', match: /^EHLO/m }),
      ),
    }),
  ],
  [
    'SMTP silent once STARTTLS is accepted (no TLS handshake)',
    async () => ({
      ...smtp,
      tls: 'starttls',
      'ca-file': lab.caFile,
      port: await started(
        stallingProxy(
          { host: '127.0.0.1', port: lab.smtp.smtpPort },
          { side: 'server', match: /^220 .*TLS/im, pass: true },
        ),
      ),
    }),
  ],
  [
    'PostgreSQL accepting TCP and never answering',
    async () => ({
      kind: 'postgres',
      host: '127.0.0.1',
      user: 'mailops',
      port: await started(silentServer()),
    }),
  ],
  [
    'Redis accepting TCP and never answering',
    async () => ({ kind: 'redis', host: '127.0.0.1', port: await started(silentServer()) }),
  ],
  [
    'TLS accepting TCP and never handshaking',
    async () => ({ kind: 'tls', host: '127.0.0.1', port: await started(silentServer()) }),
  ],
  [
    'HTTP sending headers, then stalling the body',
    async () => ({ kind: 'http', url: `http://127.0.0.1:${await started(stallingHttpServer())}/stats` }),
  ],
  [
    'HTTP stalling the body, in a parity check',
    async () => {
      const port = await started(stallingHttpServer());
      return {
        kind: 'parity',
        http: { urls: [`http://127.0.0.1:${port}/a`, `http://127.0.0.1:${port}/b`], path: '$.zones' },
      };
    },
  ],
  [
    'DNS never answering',
    async () => ({
      kind: 'dns',
      servers: [`127.0.0.1:${await started(silentDnsServer())}`],
      query: `mail.${lab.domain}`,
    }),
  ],
];

describe('servers that stop answering cost at most the attempt budget (readiness-gate)', () => {
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close()));
  });

  it.each(STALLED)('%s', async (fault, make) => {
    const { run, check } = await gateOn(await make());
    expect(run.exitCode, run.stdout).toBe(1);
    // No answer: could not be evaluated, an error (not a wrong answer, a failure).
    expect(check.status).toBe('error');
    // Each attempt ended at its 1 s budget, so several fit before the 4 s deadline.
    expect(check.attempts, check.summary).toBeGreaterThanOrEqual(2);
    recordFault({
      fault,
      command: 'readiness-gate --timeout 4s, attempt-timeout 1s',
      seconds: run.seconds,
      exitCode: run.exitCode,
      pushed: '`readiness_gate_success 0`',
      left: 'nothing',
    });
  });

  it('a deadline that cuts attempts short ends every kind of check with the gate', async () => {
    const checks = await Promise.all(
      STALLED.map(async ([, make], i) => ({ name: `c${i}`, ...(await make()) })),
    );
    const file = join(tempDir('gate'), 'gate.yaml');
    // Attempts of 30 s under a 3 s deadline: each check must give up when the gate's signal aborts.
    writeFileSync(
      file,
      stringify({ 'readiness-gate': { checks: checks.map((c) => ({ ...c, 'attempt-timeout': '30s' })) } }),
    );
    const run = await runTimed(['readiness-gate', '--config', file, '--timeout', '3s', '--output', 'json'], {
      env,
    });
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.summary, 'no check was abandoned').toMatch(/^Readiness gate FAILED: /);
    expect(report.checks.map((c) => c.status)).toEqual(checks.map(() => 'error'));
  });

  it('IMAP silent at LOGOUT: the check passes, the goodbye is not waited for', async () => {
    const port = await started(
      stallingProxy({ host: '127.0.0.1', port: lab.imap.imapPort }, { side: 'client', match: /LOGOUT/i }),
    );
    // A budget ample under load: if LOGOUT were waited for, the attempt would never end.
    const { run, check } = await gateOn({ ...imap, port }, { attempt: '10s', deadline: '20s' });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(check).toMatchObject({ status: 'pass', attempts: 1 });
    recordFault({
      fault: 'IMAP silent at LOGOUT',
      command: 'readiness-gate --timeout 20s, attempt-timeout 10s',
      seconds: run.seconds,
      exitCode: run.exitCode,
      pushed: '`readiness_gate_success 1`',
      left: 'nothing',
    });
  });
});
