import { sendBrevo } from '../../checks/brevo-send.js';
import type { OutgoingProbe, SendOutcome } from '../../checks/outgoing.js';
import { sendSes } from '../../checks/ses-send.js';
import { checkSmtpEnvelope } from '../../checks/smtp-envelope.js';
import { sendSmtp } from '../../checks/smtp-send.js';
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

export function sendProbe(
  sender: Sender,
  message: OutgoingProbe,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<SendOutcome> {
  switch (sender.via) {
    case 'smtp':
      return sendSmtp(sender.smtp, message, options);
    case 'brevo':
      return sendBrevo(sender.brevo, message, options);
    case 'ses':
      return sendSes(sender.ses, message, options);
  }
}

/** SES's mailbox simulator: accepts and reports success without delivering anywhere. */
export const SES_SIMULATOR = 'success@simulator.amazonses.com';

/**
 * Exercises the send path without delivering a probe: SMTP stops after RCPT
 * (RSET, QUIT), Brevo validates with its sandbox header, SES sends to its
 * mailbox simulator.
 */
export function dryRunProbe(
  sender: Sender,
  message: OutgoingProbe,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<SendOutcome> {
  switch (sender.via) {
    case 'smtp':
      return checkSmtpEnvelope(sender.smtp, message, options);
    case 'brevo':
      return sendBrevo(
        sender.brevo,
        { ...message, headers: { ...message.headers, 'X-Sib-Sandbox': 'drop' } },
        options,
      );
    case 'ses':
      return sendSes(sender.ses, { ...message, to: SES_SIMULATOR }, options);
  }
}
