import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../lab/process.ts';
import type { Report } from '../../src/checks/types.js';
import { execa } from 'execa';
import { BIN, mailops, waitForLine } from '../helpers/cli.js';
import { emptyMailbox, inboxSubjects, labImap, rawMessage } from '../helpers/imap.js';
import { probeArgs, probeEnv } from '../helpers/probe.js';
import { ownJob, scrape } from '../helpers/pushgateway.js';
import { tempDir } from '../helpers/scratch.js';
import { plainSmtpServer, type Running, silentServer } from '../helpers/stand-ins.js';

const lab = inject('lab');
const gw = lab.pushgateway.url;
const job = ownJob('email-roundtrip');
const group = 'instance="lab"';
const pushTo = (name: string) => ['--pushgateway', gw, '--job', name, '--label', 'instance=lab'];
const push = pushTo(job);

describe('probe-roundtrip against Postfix and Dovecot', () => {
  beforeEach(() => emptyMailbox(lab));

  it('makes the round trip over submission (STARTTLS, auth) and IMAPS, pushes, and deletes the probe', async () => {
    const result = await mailops([...probeArgs(lab), ...push], probeEnv(lab));
    expect(result.stderr).not.toContain('error');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^PASS {2}probe-roundtrip \(.+\): Round-trip SUCCESS in \d+\.\d+s$/,
    );
    expect(result.stdout).toMatch(
      /send\.smtp +accepted by 127\.0\.0\.1:\d+ \(starttls\): 250 2\.0\.0 Ok: queued as/,
    );
    expect((await scrape(gw, job, 'email_roundtrip_success')).get(`{${group}}`)).toBe(1);
    expect(
      (await scrape(gw, job, 'email_roundtrip_last_success_timestamp_seconds')).get(`{${group}}`),
    ).toBeGreaterThan(Date.now() / 1000 - 120);
    expect((await scrape(gw, job, 'email_roundtrip_failure_info')).get(`{${group},phase="none"}`)).toBe(1);
    expect(await inboxSubjects(lab)).toEqual([]);
  });

  it('reports hops and the delivered message in JSON', async () => {
    const result = await mailops([...probeArgs(lab), '--output', 'json'], probeEnv(lab));
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    const wait = report.checks.find((c) => c.name === 'imap.wait');
    const hops = wait?.details?.kind === 'probe-wait' ? wait.details.hops : [];
    // Postfix received it over authenticated TLS submission, then Dovecot stored it over LMTP.
    expect(hops.map((h) => [h.by, h.with])).toEqual([
      ['mail.mailops.test', 'ESMTPSA'],
      ['mail.mailops.test', 'LMTP'],
    ]);
    expect(
      report.metrics.find((m) => m.name === 'email_roundtrip_duration_seconds')?.samples[0]?.value,
    ).toBeGreaterThan(0);
  });

  it('fails in phase send when SMTP refuses the connection, and the last success survives in the Pushgateway', async () => {
    const before = (await scrape(gw, job, 'email_roundtrip_last_success_timestamp_seconds')).get(
      `{${group}}`,
    );
    expect(before).toBeGreaterThan(0);
    const closed = await freePort();
    const result = await mailops(
      [...probeArgs(lab, ['--smtp-port', String(closed)]), ...push],
      probeEnv(lab),
    );
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/Round-trip FAILED at send: 127\.0\.0\.1:\d+ \(starttls\): .*ECONNREFUSED/);
    expect((await scrape(gw, job, 'email_roundtrip_success')).get(`{${group}}`)).toBe(0);
    expect((await scrape(gw, job, 'email_roundtrip_failure_info')).get(`{${group},phase="send"}`)).toBe(1);
    expect((await scrape(gw, job, 'email_roundtrip_last_success_timestamp_seconds')).get(`{${group}}`)).toBe(
      before,
    );
  });

  it('--dry-run checks the send path up to RCPT without delivering or pushing', async () => {
    const dry = ownJob('email-roundtrip-dry');
    const result = await mailops([...probeArgs(lab, ['--dry-run']), ...pushTo(dry)], probeEnv(lab));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/send\.smtp +accepted by .*: RCPT 250 2\.1\.5 Ok, then RSET/);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /Dry run SUCCESS: the send path accepts the probe$/,
    );
    expect(result.stderr).toContain('metrics not pushed');
    expect((await scrape(gw, dry, 'email_roundtrip_success')).size).toBe(0);
    expect(await inboxSubjects(lab)).toEqual([]);
  });

  it('--dry-run fails at send when SMTP AUTH is refused, naming the reply', async () => {
    const result = await mailops(probeArgs(lab, ['--dry-run']), {
      ...probeEnv(lab),
      MAILOPS_SMTP_PASSWORD: 'bad-smtp-pass',
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/Dry run FAILED at send: .*auth: expected 235, got 535/);
  });

  it('--verify-only checks the IMAP login and mailbox only', async () => {
    const good = await mailops(probeArgs(lab, ['--verify-only']), probeEnv(lab));
    expect(good.exitCode).toBe(0);
    expect(good.stdout).toMatch(/Verify SUCCESS: IMAP login and mailbox work$/);
    expect(good.stdout).not.toContain('send.smtp');
    const bad = await mailops(probeArgs(lab, ['--verify-only']), probeEnv(lab, 'wrong-password-1'));
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(/Verify FAILED at auth: /);
  });

  it('pushes a failure when SIGTERM stops a waiting run', async () => {
    // The probe goes to the other mailbox, so the watched one never sees it and the run keeps waiting.
    const args = probeArgs(lab, ['--to', lab.users[3]!.address, '--interval', '30s', ...push]);
    const child = execa(process.execPath, [BIN, ...args], {
      reject: false,
      env: { ...process.env, ...probeEnv(lab) },
    });
    await waitForLine(child.stderr, /imap\.wait: window 1/);
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/Round-trip FAILED at wait: interrupted by SIGTERM after 1 windows/);
    expect((await scrape(gw, job, 'email_roundtrip_success')).get(`{${group}}`)).toBe(0);
    expect((await scrape(gw, job, 'email_roundtrip_failure_info')).get(`{${group},phase="wait"}`)).toBe(1);
    await emptyMailbox(lab, lab.users[3]);
  });

  it('ends a waiting run at the --timeout deadline as a failure in phase wait', async () => {
    const args = probeArgs(lab, ['--to', lab.users[3]!.address, '--interval', '30s', '--timeout', '2s']);
    const result = await mailops(args, probeEnv(lab));
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /Round-trip FAILED at wait: the run deadline \(--timeout\) was reached after 1 windows$/,
    );
    await emptyMailbox(lab, lab.users[3]);
  });

  it('never skips STARTTLS when it is required', async () => {
    const plain = await plainSmtpServer();
    try {
      const result = await mailops(probeArgs(lab, ['--smtp-port', String(plain.port)]), probeEnv(lab));
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toMatch(/FAILED at send: .*STARTTLS/i);
    } finally {
      await plain.close();
    }
  });

  it('names the login phase for a wrong IMAP password and never prints it, in any format', async () => {
    const wrong = 'Wr0ng-pa55word-for-test';
    for (const output of ['text', 'json', 'prom']) {
      const result = await mailops(
        [...probeArgs(lab), '--output', output, '--verbose'],
        probeEnv(lab, wrong),
      );
      expect(result.exitCode).toBe(1);
      expect(`${result.stdout}${result.stderr}`).not.toContain(wrong);
      if (output === 'text')
        expect(result.stdout).toMatch(
          /\nFAIL {2}probe-roundtrip \(.+\): Round-trip FAILED at auth: .*login refused[^\n]*$/,
        );
      if (output === 'prom') expect(result.stdout).toContain('email_roundtrip_failure_info{phase="auth"} 1');
    }
  });

  it('deletes only stale probes: recent probes, other mail and mail flagged \\Deleted by someone else stay', async () => {
    const client = await labImap(lab);
    const old = `e2e-probe-${Date.now() - 2 * 3_600_000}-aaaaaaaaaaaa`;
    const recent = `e2e-probe-${Date.now() - 600_000}-bbbbbbbbbbbb`;
    try {
      await client.append('INBOX', rawMessage(`${old}: mail round-trip probe`, { 'X-Mailops-Probe': old }));
      await client.append(
        'INBOX',
        rawMessage(`${recent}: mail round-trip probe`, { 'X-Mailops-Probe': recent }),
      );
      await client.append('INBOX', rawMessage('invoice 42'));
      await client.append('INBOX', rawMessage('deleted by a person'), ['\\Deleted']);
    } finally {
      await client.logout();
    }
    const result = await mailops([...probeArgs(lab), '--output', 'json'], probeEnv(lab));
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(
      report.metrics.find((m) => m.name === 'email_roundtrip_deleted_stale_probes')?.samples[0]?.value,
    ).toBe(1);
    expect((await inboxSubjects(lab)).sort()).toEqual(
      [`${recent}: mail round-trip probe`, 'deleted by a person', 'invoice 42'].sort(),
    );
  });
});

describe('probe-roundtrip against a wedged IMAP server (stand-in that never greets)', () => {
  let silent: Running;
  beforeAll(async () => {
    silent = await silentServer();
  });
  afterAll(() => silent.close());

  it('gives up each attempt at the connect timeout and fails in phase connect', async () => {
    const args = probeArgs(lab, [
      '--imap-port',
      String(silent.port),
      '--attempts',
      '3',
      '--interval',
      '1s',
      '--connect-timeout',
      '500ms',
      '--output',
      'json',
    ]);
    const result = await mailops(args, probeEnv(lab));
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.summary).toMatch(/^Round-trip FAILED at connect: /);
    expect(report.checks.find((c) => c.name === 'imap.wait')?.attempts).toBe(3);
    expect(result.stderr.match(/imap attempt \d\/3: connect failed/g)).toHaveLength(3);
  });
});

describe('probe-roundtrip configuration', () => {
  it('takes its settings from a config file section', async () => {
    const dir = tempDir('config');
    const file = join(dir, 'probe.yaml');
    const user = lab.users[0]!.address;
    writeFileSync(
      file,
      [
        'output: json',
        'probe-roundtrip:',
        `  from: ${user}`,
        `  to: ${user}`,
        '  smtp-host: 127.0.0.1',
        `  smtp-port: ${lab.smtp.submissionPort}`,
        `  smtp-user: ${user}`,
        '  imap-host: 127.0.0.1',
        `  imap-port: ${lab.imap.imapsPort}`,
        '  imap-tls: implicit',
        `  imap-user: ${user}`,
        `  ca-file: ${lab.caFile}`,
        '  interval: 5s',
        '',
      ].join('\n'),
    );
    const result = await mailops(['probe-roundtrip', '--config', file], probeEnv(lab));
    expect(result.exitCode).toBe(0);
    expect((JSON.parse(result.stdout) as Report).status).toBe('pass');
  });

  it('rejects an unknown key in its config section with one line and exit 2', async () => {
    const dir = tempDir('config');
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'probe-roundtrip:\n  smtp-hots: mail.example\n');
    const result = await mailops(['probe-roundtrip', '--config', file], probeEnv(lab));
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `mailops: ${file}: probe-roundtrip.smtp-hots: expected no such key (unknown keys are rejected), got "smtp-hots"`,
    ]);
  });

  it('rejects a bad port in its config section', async () => {
    const dir = tempDir('config');
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'probe-roundtrip:\n  smtp-port: 70000\n');
    const result = await mailops(['probe-roundtrip', '--config', file], probeEnv(lab));
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(
      `mailops: ${file}: probe-roundtrip.smtp-port: expected a port from 1 to 65535, got 70000`,
    );
  });

  it.each([
    [
      ['--smtp-port', '70000'],
      "option '--smtp-port <port>' argument '70000' is invalid. expected a port from 1 to 65535",
    ],
    [['--interval', 'soon'], 'expected a duration such as 300s, 5m or 1500ms, got "soon"'],
    [['--attempts', '0'], 'expected a whole number >= 1, got "0"'],
  ])('rejects bad flags %j with exit 2', async (flags, message) => {
    const result = await mailops([...probeArgs(lab), ...flags], probeEnv(lab));
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(message);
  });

  it('requires the IMAP password from env or file, naming where', async () => {
    const result = await mailops(probeArgs(lab), { MAILOPS_SMTP_PASSWORD: 'x' });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(
      'mailops: MAILOPS_IMAP_PASSWORD: expected the IMAP password (or --imap-password-file), got nothing',
    );
  });
});
