import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { type BrevoStandIn, startBrevoStandIn } from '../../lab/stand-ins/brevo.ts';
import { type SesEmulator, startSesEmulator } from '../../lab/stand-ins/ses.ts';
import type { Report } from '../../src/checks/types.js';
import { mailops } from '../helpers/cli.js';
import { inboxSubjects } from '../helpers/imap.js';
import { imapArgs } from '../helpers/probe.js';

const lab = inject('lab');
const user = lab.users[1]!;
const API_KEY = 'xkeysib-test-0123456789abcdef';
const env = { MAILOPS_IMAP_PASSWORD: user.password, MAILOPS_BREVO_API_KEY: API_KEY };

/** These tests use the second lab mailbox, so they can run beside the SMTP tests. */
function args(extra: string[]): string[] {
  const head = ['probe-roundtrip', '--from', 'sender@relay.example', '--to', user.address];
  return [...head, ...imapArgs(lab, user), '--output', 'json', ...extra];
}

describe('probe-roundtrip --send-via brevo (Brevo API stand-in relaying into Postfix)', () => {
  let brevo: BrevoStandIn;
  beforeAll(async () => {
    brevo = await startBrevoStandIn({ apiKey: API_KEY, mxPort: lab.smtp.smtpPort });
  });
  afterAll(() => brevo.close());
  beforeEach(() => {
    brevo.relayed.length = 0;
  });

  it('sends through the API with the api-key header and finds the probe over IMAP', async () => {
    const result = await mailops(args(['--send-via', 'brevo', '--brevo-url', brevo.url]), env);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.summary).toMatch(/^Round-trip SUCCESS in /);
    expect(report.checks.find((c) => c.name === 'send.brevo')?.summary).toMatch(
      /: 201 messageId <.+@smtp-relay\.mailin\.fr>$/,
    );
    expect(brevo.apiKeys.at(-1)).toBe(API_KEY);
    expect(brevo.relayed).toHaveLength(1);
    expect(brevo.relayed[0]?.headers['X-Mailops-Probe']).toMatch(/^e2e-probe-\d{13}-[0-9a-f]{12}$/);
    expect(await inboxSubjects(lab, user)).toEqual([]);
  });

  it('retries a lost response with the same idempotency key: one probe, not two', async () => {
    brevo.dropResponses = 1;
    const result = await mailops(args(['--send-via', 'brevo', '--brevo-url', brevo.url]), env);
    expect(result.exitCode).toBe(0);
    expect(brevo.apiKeys.length).toBeGreaterThanOrEqual(2);
    expect(brevo.relayed).toHaveLength(1);
    const cleanup = (JSON.parse(result.stdout) as Report).checks.find((c) => c.name === 'imap.cleanup');
    expect(cleanup?.summary).toMatch(/^deleted the probe, 0 stale/);
    expect(await inboxSubjects(lab, user)).toEqual([]);
  });

  it('--dry-run uses the sandbox header: validated, not delivered, not pushed', async () => {
    const result = await mailops(args(['--send-via', 'brevo', '--brevo-url', brevo.url, '--dry-run']), env);
    expect(result.exitCode).toBe(0);
    expect((JSON.parse(result.stdout) as Report).summary).toBe(
      'Dry run SUCCESS: the send path accepts the probe',
    );
    expect(brevo.relayed).toHaveLength(0);
  });

  it('fails in phase send on a refused key, without retrying and without printing the key', async () => {
    const before = brevo.apiKeys.length;
    const wrongKey = 'xkeysib-wrong-key-000000';
    const result = await mailops(
      args(['--send-via', 'brevo', '--brevo-url', brevo.url, '--output', 'text']),
      {
        ...env,
        MAILOPS_BREVO_API_KEY: wrongKey,
      },
    );
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /FAILED at send: Brevo http:\/\/127\.0\.0\.1:\d+: Brevo HTTP 401: unauthorized: Key not found/,
    );
    expect(brevo.apiKeys.length - before).toBe(1);
  });
});

describe('probe-roundtrip --send-via ses (aws-ses-v2-local emulator relaying into Postfix)', () => {
  let ses: SesEmulator;
  beforeAll(async () => {
    ses = await startSesEmulator({ mxPort: lab.smtp.smtpPort });
  });
  afterAll(() => ses.close());

  it('sends with SESv2 SendEmail and finds the probe by its tagged subject', async () => {
    const secret = 'fake-secret-key-for-the-emulator';
    const result = await mailops(
      args(['--send-via', 'ses', '--ses-region', 'eu-west-1', '--ses-endpoint', ses.endpoint]),
      {
        ...env,
        AWS_ACCESS_KEY_ID: 'AKIAEMULATOR',
        AWS_SECRET_ACCESS_KEY: secret,
      },
    );
    expect(result.stderr).not.toMatch(/error/);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.checks.find((c) => c.name === 'send.ses')?.summary).toMatch(/: MessageId \S+/);
    expect(await inboxSubjects(lab, user)).toEqual([]);
  });

  it('requires a region', async () => {
    const result = await mailops(args(['--send-via', 'ses']), env);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe(
      'mailops: --ses-region: expected an AWS region (or AWS_REGION), got nothing',
    );
  });
});
