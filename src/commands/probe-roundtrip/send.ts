import { sendBrevo } from '../../checks/brevo-send.js';
import type { OutgoingProbe, SendOutcome } from '../../checks/outgoing.js';
import { sendSes } from '../../checks/ses-send.js';
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
