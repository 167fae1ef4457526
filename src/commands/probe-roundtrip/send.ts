import { sendBrevo } from '../../checks/brevo-send.js';
import { type OutgoingProbe, SendFailure, type SendOutcome } from '../../checks/outgoing.js';
import { sendSes } from '../../checks/ses-send.js';
import { smtpCheck } from '../../checks/smtp.js';
import { type SmtpEndpoint, sendSmtp } from '../../checks/smtp-send.js';
import type { Sender } from './options.js';

/** Where the probe goes, for progress lines and failure reasons. */
export function describeSender(sender: Sender): string {
  switch (sender.via) {
    case 'smtp':
      return `${sender.smtp.host}:${sender.smtp.port} (${sender.smtp.tls})`;
    case 'brevo':
      return `Brevo ${sender.brevo.url}`;
    case 'ses':
      return `SES ${sender.ses.endpoint ?? sender.ses.region}`;
  }
}

/** SES's mailbox simulator: accepts and reports success without delivering anywhere. */
export const SES_SIMULATOR = 'success@simulator.amazonses.com';

/**
 * Submits the probe. A dry run exercises the same send path without
 * delivering: SMTP stops after RCPT (RSET, QUIT), Brevo validates with its
 * sandbox header, SES sends to its mailbox simulator.
 */
export function sendProbe(
  sender: Sender,
  message: OutgoingProbe,
  options: { timeoutMs: number; signal?: AbortSignal; dry: boolean },
): Promise<SendOutcome> {
  switch (sender.via) {
    case 'smtp':
      return options.dry
        ? checkEnvelope(sender.smtp, message, options)
        : sendSmtp(sender.smtp, message, options);
    case 'brevo': {
      const sandbox: Record<string, string> = options.dry ? { 'X-Sib-Sandbox': 'drop' } : {};
      return sendBrevo(sender.brevo, { ...message, headers: { ...message.headers, ...sandbox } }, options);
    }
    case 'ses':
      return sendSes(sender.ses, options.dry ? { ...message, to: SES_SIMULATOR } : message, options);
  }
}

/** The SMTP dry run: the readiness gate's SMTP check, taken on to RCPT TO and RSET. */
async function checkEnvelope(
  endpoint: SmtpEndpoint,
  message: OutgoingProbe,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<SendOutcome> {
  const started = Date.now();
  const outcome = await smtpCheck(
    { endpoint, envelope: { from: message.from, to: message.to } },
    { timeoutMs: options.timeoutMs, signal: options.signal ?? new AbortController().signal },
  );
  // The probe names the sending side itself.
  const said = outcome.summary.replace(`${endpoint.host}:${endpoint.port}: `, '');
  if (outcome.status !== 'pass') throw new SendFailure(outcome.code ?? 'ERROR', said);
  const acceptedAt = Date.now();
  return { response: said, acceptedAt, durationMs: acceptedAt - started };
}
