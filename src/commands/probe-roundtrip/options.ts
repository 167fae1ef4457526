import type { OptionValuesOf } from '../../cli/option-defs.js';
import type { ImapEndpoint, TlsMode } from '../../checks/imap.js';
import { tlsModeFix } from '../../checks/tls-mismatch.js';
import type { BrevoEndpoint } from '../../checks/brevo-send.js';
import type { SesEndpoint } from '../../checks/ses-send.js';
import type { SmtpEndpoint } from '../../checks/smtp-send.js';
import { describeValue } from '../../config/issues.js';
import { readCaFile, readSecret } from '../../config/secrets.js';
import { registerCredentials, registerSecret } from '../../output/redact.js';
import { UsageError } from '../../errors.js';
import type { probeOptions } from './spec.js';

export type ProbeValues = OptionValuesOf<typeof probeOptions>;

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

function address(value: string, flag: string): string {
  if (!/^[^\s@]+@[^\s@]+$/.test(value))
    throw new UsageError(`${flag}: expected a mail address, got ${describeValue(value)}`);
  return value;
}

const tlsFor = (given: TlsMode | undefined, port: number, implicitPort: number): TlsMode =>
  given ?? (port === implicitPort ? 'implicit' : 'starttls');

async function parseSender(
  values: ProbeValues,
  env: NodeJS.ProcessEnv,
  ca: string | undefined,
  insecure: boolean,
): Promise<Sender> {
  const via = values['send-via'];
  if (via === 'brevo') {
    const apiKey = await readSecret({
      env,
      envName: 'MAILOPS_BREVO_API_KEY',
      file: values['brevo-api-key-file'],
      fileFlag: '--brevo-api-key-file',
    });
    if (!apiKey)
      throw new UsageError(
        'MAILOPS_BREVO_API_KEY: expected the Brevo API key (or --brevo-api-key-file), got nothing',
      );
    return { via, brevo: { url: values['brevo-url'], apiKey } };
  }
  if (via === 'ses') {
    registerSecret(env.AWS_SECRET_ACCESS_KEY);
    registerSecret(env.AWS_SESSION_TOKEN);
    const region = values['ses-region'] ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) throw new UsageError('--ses-region: expected an AWS region (or AWS_REGION), got nothing');
    const endpoint = values['ses-endpoint'];
    return { via, ses: { region, ...(endpoint ? { endpoint } : {}) } };
  }
  const host = values['smtp-host'];
  if (!host) throw new UsageError('--smtp-host: expected the SMTP server host, got nothing');
  const user = values['smtp-user'];
  const password = await readSecret({
    env,
    envName: 'MAILOPS_SMTP_PASSWORD',
    file: values['smtp-password-file'],
    fileFlag: '--smtp-password-file',
  });
  if (user && !password) {
    throw new UsageError(
      'MAILOPS_SMTP_PASSWORD: expected the SMTP password for --smtp-user (or --smtp-password-file), got nothing',
    );
  }
  if (user) registerCredentials(user, password);
  const port = values['smtp-port'];
  return {
    via: 'smtp',
    smtp: {
      host,
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
export async function parseProbeOptions(values: ProbeValues, env: NodeJS.ProcessEnv): Promise<ProbeOptions> {
  const from = address(values.from, '--from');
  const to = address(values.to, '--to');
  const insecure = values.insecure;
  const ca = await readCaFile(values['ca-file'], '--ca-file');
  const imapPassword = await readSecret({
    env,
    envName: 'MAILOPS_IMAP_PASSWORD',
    file: values['imap-password-file'],
    fileFlag: '--imap-password-file',
  });
  if (!imapPassword) {
    throw new UsageError(
      'MAILOPS_IMAP_PASSWORD: expected the IMAP password (or --imap-password-file), got nothing',
    );
  }
  if (values['dry-run'] && values['verify-only']) {
    throw new UsageError('--dry-run, --verify-only: expected at most one, got both');
  }
  const mode: ProbeMode = values['dry-run'] ? 'dry-run' : values['verify-only'] ? 'verify-only' : 'probe';
  const sender = await parseSender(values, env, ca, insecure);
  const imapPort = values['imap-port'];
  const imapUser = values['imap-user'];
  registerCredentials(imapUser, imapPassword);
  return {
    mode,
    sender,
    from,
    to,
    imap: {
      host: values['imap-host'],
      port: imapPort,
      tls: tlsFor(values['imap-tls'], imapPort, 993),
      user: imapUser,
      password: imapPassword,
      ...(ca ? { ca } : {}),
      insecure,
      tlsFix: tlsModeFix('--imap-tls'),
    },
    mailbox: values['imap-mailbox'],
    attempts: values.attempts,
    intervalMs: values.interval,
    connectTimeoutMs: values['connect-timeout'],
    staleAfterMs: values['stale-after'],
    authservId: values['authserv-id'],
  };
}
