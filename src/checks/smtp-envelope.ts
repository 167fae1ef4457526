import { StepTimeoutError } from './deadline.js';
import { type SendOutcome, SendFailure } from './outgoing.js';
import { type SmtpDialogue, SmtpStepError } from './smtp-dialogue.js';
import { openSmtpSession } from './smtp-session.js';
import type { SmtpEndpoint } from './smtp-send.js';

/**
 * Checks the send path without delivering: greeting, EHLO, STARTTLS (required
 * when asked for), AUTH, MAIL FROM and RCPT TO, then RSET and QUIT.
 */
export async function checkSmtpEnvelope(
  endpoint: SmtpEndpoint,
  envelope: { from: string; to: string },
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<SendOutcome> {
  const started = Date.now();
  let dialogue: SmtpDialogue | undefined;
  try {
    ({ dialogue } = await openSmtpSession(endpoint, options));
    await dialogue.run('mail', `MAIL FROM:<${envelope.from}>`, [250]);
    const rcpt = await dialogue.run('rcpt', `RCPT TO:<${envelope.to}>`, [250, 251]);
    await dialogue.run('rset', 'RSET', [250]);
    await dialogue.quit();
    const acceptedAt = Date.now();
    return {
      response: `RCPT ${rcpt.lines.at(-1) ?? rcpt.code}, then RSET`,
      acceptedAt,
      durationMs: acceptedAt - started,
    };
  } catch (error) {
    if (error instanceof SendFailure) throw error;
    if (error instanceof SmtpStepError) throw new SendFailure(`SMTP_${error.reply.code}`, error.message);
    if (error instanceof StepTimeoutError) throw new SendFailure('TIMEOUT', error.message);
    const e = error as Error & { code?: string };
    throw new SendFailure(e.code ?? 'ERROR', e.message);
  } finally {
    dialogue?.close();
  }
}
