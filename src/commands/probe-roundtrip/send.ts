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
        ? checkSmtpEnvelope(sender.smtp, message, options)
        : sendSmtp(sender.smtp, message, options);
    case 'brevo': {
      const sandbox: Record<string, string> = options.dry ? { 'X-Sib-Sandbox': 'drop' } : {};
      return sendBrevo(sender.brevo, { ...message, headers: { ...message.headers, ...sandbox } }, options);
    }
    case 'ses':
      return sendSes(sender.ses, options.dry ? { ...message, to: SES_SIMULATOR } : message, options);
  }
}
