// The gate file's kinds made of the other subcommands: probe-roundtrip, spf-check and
// haproxy-bootstrap verify, their flags spelled as fields.
import * as v from 'valibot';
import { durationText } from '../../config/duration.js';
import { isHttpUrl } from '../../config/names.js';
import { duration, port } from '../../config/section.js';
import { isMailAddress } from '../probe-roundtrip/options.js';
import { common, envName, host, secret, text, texts, tlsMode, tlsOptions } from './fields.js';

const address = v.pipe(v.string(), v.check(isMailAddress, 'a mail address'));
const url = v.pipe(v.string(), v.check(isHttpUrl, 'an http:// or https:// URL'));

/** The sender: SMTP submission (TLS mode by port when not given), Brevo's API or SES. */
const smtpSender = v.strictObject({
  host,
  port: v.optional(port, 587),
  tls: v.optional(tlsMode),
  user: v.optional(text),
  ...secret,
});
const brevoSender = v.strictObject({
  url: v.optional(url, 'https://api.brevo.com'),
  'api-key-env': v.optional(envName),
  'api-key-file': v.optional(text),
});
const sesSender = v.strictObject({ region: v.optional(text), endpoint: v.optional(url) });

const imapMailbox = v.strictObject({
  host,
  port: v.optional(port, 993),
  tls: v.optional(tlsMode),
  user: text,
  ...secret,
  mailbox: v.optional(text, 'INBOX'),
});

export const mailRoundtrip = v.strictObject({
  ...common,
  // A round trip takes longer than a handshake: room for the wait, the send and the cleanup.
  'attempt-timeout': v.optional(duration, '2m'),
  kind: v.literal('mail-roundtrip'),
  from: address,
  to: address,
  smtp: v.optional(smtpSender),
  brevo: v.optional(brevoSender),
  ses: v.optional(sesSender),
  imap: imapMailbox,
  /** How long one attempt waits for the probe to arrive once it was accepted. */
  wait: v.optional(duration, '1m'),
  'connect-timeout': v.optional(duration, '10s'),
  'stale-after': v.optional(duration, '1h'),
  'authserv-id': v.optional(text),
  ...tlsOptions,
});

export const spf = v.strictObject({
  ...common,
  kind: v.literal('spf'),
  domain: text,
  // spf-check's flags, by their names.
  resolver: v.optional(texts),
  'expect-include': v.optional(texts),
  'expect-all': v.optional(v.picklist(['~all', '-all'])),
  'expect-pass': v.optional(texts),
  'expect-fail': v.optional(texts),
  dmarc: v.optional(v.boolean(), false),
  'expect-dmarc-policy': v.optional(v.picklist(['none', 'quarantine', 'reject'])),
  authoritative: v.optional(v.boolean(), false),
  'authoritative-port': v.optional(port, 53),
  'query-timeout': v.optional(duration, '3s'),
});

export const haproxyFrontends = v.strictObject({
  ...common,
  'attempt-timeout': v.optional(duration, '10s'),
  kind: v.literal('haproxy-frontends'),
  /** haproxy-bootstrap's YAML spec: every frontend in it must answer with its backend's banner. */
  spec: text,
  'connect-host': v.optional(text),
  /** Each frontend's connection and banner, within the attempt: so the attempt can name the silent one. */
  'connect-timeout': v.optional(duration, '5s'),
  ...tlsOptions,
});

type Problem = { message: string; at: string[]; input?: unknown } | undefined;

/** Exactly one of the keys set, or none at all when `required` is false. */
const oneOf = (object: object, keys: string[], required: boolean) => {
  const set = keys.filter((k) => (object as Record<string, unknown>)[k] !== undefined).length;
  return set === 1 || (!required && set === 0);
};

/** A part of an attempt (the wait, a connection) that would not fit in the attempt's budget. */
function overBudget(c: { 'attempt-timeout': number }, key: string, ms: number): Problem {
  const budget = c['attempt-timeout'];
  if (ms < budget) return undefined;
  return {
    message: `a ${key} shorter than attempt-timeout (${durationText(budget)})`,
    at: [key],
    input: durationText(ms),
  };
}

/** What a check of these kinds gets wrong across its fields: the message and where. */
export function mailKindProblem(
  c: v.InferOutput<typeof mailRoundtrip> | v.InferOutput<typeof haproxyFrontends>,
): Problem {
  if (c.kind === 'haproxy-frontends') return overBudget(c, 'connect-timeout', c['connect-timeout']);
  if (!oneOf(c, ['smtp', 'brevo', 'ses'], true))
    return { message: 'exactly one of smtp, brevo or ses', at: [] };
  if (!oneOf(c.imap, ['password-env', 'password-file'], true))
    return { message: 'exactly one of password-env or password-file (the IMAP password)', at: ['imap'] };
  if (c.smtp && !oneOf(c.smtp, ['password-env', 'password-file'], c.smtp.user !== undefined))
    return {
      message: c.smtp.user
        ? 'exactly one of password-env or password-file for the user'
        : 'no password without a user',
      at: ['smtp'],
    };
  if (c.brevo && !oneOf(c.brevo, ['api-key-env', 'api-key-file'], true))
    return { message: 'exactly one of api-key-env or api-key-file', at: ['brevo'] };
  return overBudget(c, 'wait', c.wait);
}
