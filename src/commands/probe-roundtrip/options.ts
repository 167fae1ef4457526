import type { OptionValues } from '../../cli/command-spec.js';
import type { ImapEndpoint, TlsMode } from '../../checks/imap.js';
import { tlsModeFix } from '../../checks/tls-mismatch.js';
import type { BrevoEndpoint } from '../../checks/brevo-send.js';
import type { SesEndpoint } from '../../checks/ses-send.js';
import type { SmtpEndpoint } from '../../checks/smtp-send.js';
import { describeValue } from '../../config/issues.js';
import { readCaFile, readSecret } from '../../config/secrets.js';
import { registerCredentials, registerSecret } from '../../output/redact.js';
import { UsageError } from '../../errors.js';

export type Sender =
  | { via: 'smtp'; smtp: SmtpEndpoint }
  | { via: 'brevo'; brevo: BrevoEndpoint }
  | { via: 'ses'; ses: SesEndpoint };

/** probe: the full round trip; dry-run: the send path only; verify-only: the mailbox only. */
export type ProbeMode = 'probe' | 'dry-run' | 'verify-only';

export interface ProbeOptions {
  mode: ProbeMode;
  sender: Sender;
  from: string;
  to: string;
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

const tlsFor = (given: unknown, port: number, implicitPort: number): TlsMode =>
  (given as TlsMode | undefined) ?? (port === implicitPort ? 'implicit' : 'starttls');

async function parseSender(
  values: OptionValues,
  env: NodeJS.ProcessEnv,
  ca: string | undefined,
  insecure: boolean,
): Promise<Sender> {
  const via = values['send-via'] as Sender['via'];
  if (via === 'brevo') {
    const apiKey = await readSecret({
      env,
      envName: 'MAILOPS_BREVO_API_KEY',
      file: values['brevo-api-key-file'] as string | undefined,
      fileFlag: '--brevo-api-key-file',
    });
    if (!apiKey)
      throw new UsageError(
        'MAILOPS_BREVO_API_KEY: expected the Brevo API key (or --brevo-api-key-file), got nothing',
      );
    return { via, brevo: { url: required(values, 'brevo-url', 'the Brevo API URL'), apiKey } };
  }
  if (via === 'ses') {
    registerSecret(env.AWS_SECRET_ACCESS_KEY);
    registerSecret(env.AWS_SESSION_TOKEN);
    const region = (values['ses-region'] as string | undefined) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) throw new UsageError('--ses-region: expected an AWS region (or AWS_REGION), got nothing');
    const endpoint = values['ses-endpoint'] as string | undefined;
    return { via, ses: { region, ...(endpoint ? { endpoint } : {}) } };
  }
  const user = values['smtp-user'] as string | undefined;
  const password = await readSecret({
    env,
    envName: 'MAILOPS_SMTP_PASSWORD',
    file: values['smtp-password-file'] as string | undefined,
    fileFlag: '--smtp-password-file',
  });
  if (user && !password) {
    throw new UsageError(
      'MAILOPS_SMTP_PASSWORD: expected the SMTP password for --smtp-user (or --smtp-password-file), got nothing',
    );
  }
  if (user) registerCredentials(user, password);
  const port = values['smtp-port'] as number;
  return {
    via: 'smtp',
    smtp: {
      host: required(values, 'smtp-host', 'the SMTP server host'),
      port,
      tls: tlsFor(values['smtp-tls'], port, 465),
      ...(user ? { user, password } : {}),
      ...(ca ? { ca } : {}),
      insecure,
      tlsFix: tlsModeFix('--smtp-tls'),
    },
  };
}

/** Checks what a probe needs before anything is sent; every gap is a one-line usage error. */
export async function parseProbeOptions(values: OptionValues, env: NodeJS.ProcessEnv): Promise<ProbeOptions> {
  const from = address(values, 'from');
  const to = address(values, 'to');
  const insecure = values.insecure === true;
  const ca = await readCaFile(values['ca-file'], '--ca-file');
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
  if (values['dry-run'] === true && values['verify-only'] === true) {
    throw new UsageError('--dry-run, --verify-only: expected at most one, got both');
  }
  const mode: ProbeMode =
    values['dry-run'] === true ? 'dry-run' : values['verify-only'] === true ? 'verify-only' : 'probe';
  const sender = await parseSender(values, env, ca, insecure);
  const imapPort = values['imap-port'] as number;
  const imapUser = required(values, 'imap-user', 'the IMAP user');
  registerCredentials(imapUser, imapPassword);
  return {
    mode,
    sender,
    from,
    to,
    imap: {
      host: required(values, 'imap-host', 'the IMAP server host'),
      port: imapPort,
      tls: tlsFor(values['imap-tls'], imapPort, 993),
      user: imapUser,
      password: imapPassword,
      ...(ca ? { ca } : {}),
      insecure,
      tlsFix: tlsModeFix('--imap-tls'),
    },
    mailbox: values['imap-mailbox'] as string,
    attempts: values.attempts as number,
    intervalMs: values.interval as number,
    connectTimeoutMs: values['connect-timeout'] as number,
    staleAfterMs: values['stale-after'] as number,
    authservId: values['authserv-id'] as string | undefined,
  };
}
