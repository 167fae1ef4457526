import { readFile } from 'node:fs/promises';
import type { OptionValues } from '../../cli/command-spec.js';
import type { ImapEndpoint, TlsMode } from '../../checks/imap.js';
import type { SmtpEndpoint } from '../../checks/smtp-send.js';
import { describeValue } from '../../config/issues.js';
import { readSecret } from '../../config/secrets.js';
import { UsageError } from '../../errors.js';

export interface ProbeOptions {
  sendVia: 'smtp';
  from: string;
  to: string;
  smtp: SmtpEndpoint;
  imap: ImapEndpoint;
  mailbox: string;
  attempts: number;
  intervalMs: number;
  connectTimeoutMs: number;
  staleAfterMs: number;
  authservId: string | undefined;
}

function required(values: OptionValues, name: string, what: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') {
    throw new UsageError(`--${name}: expected ${what}, got ${describeValue(value)}`);
  }
  return value;
}

function address(values: OptionValues, name: string): string {
  const value = required(values, name, 'a mail address');
  if (!/^[^\s@]+@[^\s@]+$/.test(value))
    throw new UsageError(`--${name}: expected a mail address, got ${describeValue(value)}`);
  return value;
}

async function readCa(file: unknown): Promise<string | undefined> {
  if (typeof file !== 'string') return undefined;
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--ca-file: expected a readable PEM file, got ${JSON.stringify(file)} (${(error as NodeJS.ErrnoException).code})`,
    );
  }
}

const tlsFor = (given: unknown, port: number, implicitPort: number): TlsMode =>
  (given as TlsMode | undefined) ?? (port === implicitPort ? 'implicit' : 'starttls');

/** Checks what a probe needs before anything is sent; every gap is a one-line usage error. */
export async function parseProbeOptions(values: OptionValues, env: NodeJS.ProcessEnv): Promise<ProbeOptions> {
  const from = address(values, 'from');
  const to = address(values, 'to');
  const insecure = values.insecure === true;
  const ca = await readCa(values['ca-file']);
  const imapPassword = await readSecret({
    env,
    envName: 'MAILOPS_IMAP_PASSWORD',
    file: values['imap-password-file'] as string | undefined,
    fileFlag: '--imap-password-file',
  });
  if (!imapPassword) {
    throw new UsageError(
      'MAILOPS_IMAP_PASSWORD: expected the IMAP password (or --imap-password-file), got nothing',
    );
  }
  const smtpUser = values['smtp-user'] as string | undefined;
  const smtpPassword = await readSecret({
    env,
    envName: 'MAILOPS_SMTP_PASSWORD',
    file: values['smtp-password-file'] as string | undefined,
    fileFlag: '--smtp-password-file',
  });
  if (smtpUser && !smtpPassword) {
    throw new UsageError(
      'MAILOPS_SMTP_PASSWORD: expected the SMTP password for --smtp-user (or --smtp-password-file), got nothing',
    );
  }
  const smtpPort = values['smtp-port'] as number;
  const imapPort = values['imap-port'] as number;
  return {
    sendVia: 'smtp',
    from,
    to,
    smtp: {
      host: required(values, 'smtp-host', 'the SMTP server host'),
      port: smtpPort,
      tls: tlsFor(values['smtp-tls'], smtpPort, 465),
      ...(smtpUser ? { user: smtpUser, password: smtpPassword } : {}),
      ...(ca ? { ca } : {}),
      insecure,
    },
    imap: {
      host: required(values, 'imap-host', 'the IMAP server host'),
      port: imapPort,
      tls: tlsFor(values['imap-tls'], imapPort, 993),
      user: required(values, 'imap-user', 'the IMAP user'),
      password: imapPassword,
      ...(ca ? { ca } : {}),
      insecure,
    },
    mailbox: values['imap-mailbox'] as string,
    attempts: values.attempts as number,
    intervalMs: values.interval as number,
    connectTimeoutMs: values['connect-timeout'] as number,
    staleAfterMs: values['stale-after'] as number,
    authservId: values['authserv-id'] as string | undefined,
  };
}
