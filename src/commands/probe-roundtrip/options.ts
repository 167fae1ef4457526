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

const MAIL_ADDRESS = /^[^\s@]+@[^\s@]+$/;

/** An address the probe can be sent from or to (not RFC 5322 in full: a typo's guard). */
export const isMailAddress = (value: string) => MAIL_ADDRESS.test(value);

function address(value: string, flag: string): string {
  if (!isMailAddress(value))
    throw new UsageError(`${flag}: expected a mail address, got ${describeValue(value)}`);
  return value;
}

/** The certificates both sides are verified against: a CA bundle read, or none at all (insecure). */
export interface Trust {
  ca: string | undefined;
  insecure: boolean;
}

/** A mail server as given; tlsField is where its TLS mode is set, for the fix a mismatch names. */
interface ServerGiven {
  host: string;
  port: number;
  tls: TlsMode | undefined;
  tlsField: string;
}

/** The TLS mode defaults by port: implicit on the implicit-TLS port (465, 993), else STARTTLS. */
const server = (given: ServerGiven, implicitPort: number, trust: Trust) => ({
  host: given.host,
  port: given.port,
  tls: given.tls ?? (given.port === implicitPort ? 'implicit' : 'starttls'),
  ...(trust.ca ? { ca: trust.ca } : {}),
  insecure: trust.insecure,
  tlsFix: tlsModeFix(given.tlsField),
});

/** The SMTP sender, its password already read; the credentials are registered for redaction. */
export function smtpSender(
  given: ServerGiven & { user?: string | undefined; password?: string | undefined },
  trust: Trust,
): Sender {
  const { user, password } = given;
  if (user) registerCredentials(user, password);
  return { via: 'smtp', smtp: { ...server(given, 465, trust), ...(user ? { user, password } : {}) } };
}

/** SES with the AWS credential chain, whose secrets (from the env) are registered for redaction. */
export function sesSender(
  given: { region: string | undefined; endpoint: string | undefined; field: string },
  env: NodeJS.ProcessEnv,
): Sender {
  registerSecret(env.AWS_SECRET_ACCESS_KEY);
  registerSecret(env.AWS_SESSION_TOKEN);
  const region = given.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError(`${given.field}: expected an AWS region (or AWS_REGION), got nothing`);
  return { via: 'ses', ses: { region, ...(given.endpoint ? { endpoint: given.endpoint } : {}) } };
}

/** The mailbox's server, its password already read; the credentials are registered for redaction. */
export function imapEndpoint(
  given: ServerGiven & { user: string; password: string },
  trust: Trust,
): ImapEndpoint {
  registerCredentials(given.user, given.password);
  return { ...server(given, 993, trust), user: given.user, password: given.password };
}

async function parseSender(values: ProbeValues, env: NodeJS.ProcessEnv, trust: Trust): Promise<Sender> {
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
  if (via === 'ses')
    return sesSender(
      { region: values['ses-region'], endpoint: values['ses-endpoint'], field: '--ses-region' },
      env,
    );
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
  const port = values['smtp-port'];
  return smtpSender({ host, port, tls: values['smtp-tls'], tlsField: '--smtp-tls', user, password }, trust);
}

/** Checks what a probe needs before anything is sent; every gap is a one-line usage error. */
export async function parseProbeOptions(values: ProbeValues, env: NodeJS.ProcessEnv): Promise<ProbeOptions> {
  const from = address(values.from, '--from');
  const to = address(values.to, '--to');
  const trust: Trust = { ca: await readCaFile(values['ca-file'], '--ca-file'), insecure: values.insecure };
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
  const sender = await parseSender(values, env, trust);
  return {
    mode,
    sender,
    from,
    to,
    imap: imapEndpoint(
      {
        host: values['imap-host'],
        port: values['imap-port'],
        tls: values['imap-tls'],
        tlsField: '--imap-tls',
        user: values['imap-user'],
        password: imapPassword,
      },
      trust,
    ),
    mailbox: values['imap-mailbox'],
    attempts: values.attempts,
    intervalMs: values.interval,
    connectTimeoutMs: values['connect-timeout'],
    staleAfterMs: values['stale-after'],
    authservId: values['authserv-id'],
  };
}
