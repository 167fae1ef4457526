import { command } from '../../cli/command-spec.js';

const TLS = ['implicit', 'starttls', 'none'] as const;

export const probeOptions = [
  {
    name: 'send-via',
    arg: '<transport>',
    description: 'how the probe is sent',
    kind: ['smtp', 'brevo', 'ses'],
    default: 'smtp',
  },
  {
    name: 'from',
    arg: '<address>',
    description: 'envelope and header sender',
    kind: 'string',
    required: 'a mail address',
  },
  {
    name: 'to',
    arg: '<address>',
    description: 'the mailbox the probe must reach',
    kind: 'string',
    required: 'a mail address',
  },
  { name: 'smtp-host', arg: '<host>', description: 'SMTP submission server', kind: 'string' },
  { name: 'smtp-port', arg: '<port>', description: 'SMTP port', kind: 'port', default: 587 },
  {
    name: 'smtp-tls',
    arg: '<mode>',
    description: 'implicit (465), starttls (required, never skipped) or none; default by port',
    kind: TLS,
  },
  {
    name: 'smtp-user',
    arg: '<user>',
    description: 'SMTP AUTH user; password from MAILOPS_SMTP_PASSWORD or --smtp-password-file',
    kind: 'string',
  },
  {
    name: 'smtp-password-file',
    arg: '<file>',
    description: 'file holding the SMTP password',
    kind: 'string',
  },
  {
    name: 'brevo-url',
    arg: '<url>',
    description: 'Brevo API base URL',
    kind: 'url',
    default: 'https://api.brevo.com',
  },
  {
    name: 'brevo-api-key-file',
    arg: '<file>',
    description: 'file holding the Brevo API key (else MAILOPS_BREVO_API_KEY)',
    kind: 'string',
  },
  {
    name: 'ses-region',
    arg: '<region>',
    description: 'SES region (else AWS_REGION); credentials from the AWS chain',
    kind: 'string',
  },
  {
    name: 'ses-endpoint',
    arg: '<url>',
    description: 'SES endpoint override, e.g. a VPC endpoint or emulator',
    kind: 'url',
  },
  {
    name: 'imap-host',
    arg: '<host>',
    description: 'IMAP server holding the --to mailbox',
    kind: 'string',
    required: 'the IMAP server host',
  },
  { name: 'imap-port', arg: '<port>', description: 'IMAP port', kind: 'port', default: 993 },
  {
    name: 'imap-tls',
    arg: '<mode>',
    description: 'implicit (993), starttls or none; default by port',
    kind: TLS,
  },
  {
    name: 'imap-user',
    arg: '<user>',
    description: 'IMAP user; password from MAILOPS_IMAP_PASSWORD or --imap-password-file',
    kind: 'string',
    required: 'the IMAP user',
  },
  {
    name: 'imap-password-file',
    arg: '<file>',
    description: 'file holding the IMAP password',
    kind: 'string',
  },
  {
    name: 'imap-mailbox',
    arg: '<name>',
    description: 'mailbox to watch',
    kind: 'string',
    default: 'INBOX',
    required: 'a mailbox name',
  },
  {
    name: 'ca-file',
    arg: '<file>',
    description: 'PEM CA bundle to verify SMTP and IMAP certificates',
    kind: 'string',
  },
  { name: 'insecure', description: 'do not verify TLS certificates', kind: 'flag' },
  {
    name: 'dry-run',
    description:
      'check the send path only: SMTP up to RCPT then RSET, Brevo sandbox, SES simulator; nothing is pushed',
    kind: 'flag',
  },
  {
    name: 'verify-only',
    description: 'check IMAP login and the mailbox only; nothing is pushed',
    kind: 'flag',
  },
  { name: 'attempts', arg: '<n>', description: 'wait windows before giving up', kind: 'count', default: 15 },
  {
    name: 'interval',
    arg: '<duration>',
    description: 'length of one wait window (IMAP IDLE wakes earlier)',
    kind: 'duration',
    default: 20_000,
  },
  {
    name: 'connect-timeout',
    arg: '<duration>',
    description: 'budget for each IMAP/SMTP connect, greeting and command',
    kind: 'duration',
    default: 10_000,
  },
  {
    name: 'stale-after',
    arg: '<duration>',
    description: 'delete earlier probes older than this',
    kind: 'duration',
    default: 3_600_000,
  },
  {
    name: 'authserv-id',
    arg: '<id>',
    description: 'trust only Authentication-Results from this server',
    kind: 'string',
  },
] as const;

export const probeRoundtrip = command({
  name: 'probe-roundtrip',
  summary: 'send a tagged message, wait for it over IMAP, measure the round trip, clean up',
  defaultJob: 'email-roundtrip',
  metricPrefix: 'email_roundtrip',
  options: probeOptions,
  // Every window, plus connect and send budgets, plus room for cleanup.
  defaultTimeoutMs: (o) => o.attempts * o.interval + 6 * o['connect-timeout'] + 30_000,
  load: () => import('./run.js'),
});
