import { hostname } from 'node:os';
import { StepTimeoutError } from './deadline.js';
import { type SendOutcome, SendFailure } from './outgoing.js';
import { ehloCapabilities, SmtpDialogue, SmtpStepError } from './smtp-dialogue.js';
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
    dialogue = await SmtpDialogue.open(endpoint, options.timeoutMs, options.signal);
    const ehlo = `EHLO ${hostname() || 'mailops.invalid'}`;
    let capabilities = ehloCapabilities(await dialogue.run('ehlo', ehlo, [250]));
    if (endpoint.tls === 'starttls') {
      if (!capabilities.has('STARTTLS'))
        throw new SendFailure('ETLS', 'STARTTLS required but the server does not offer it');
      await dialogue.startTls(endpoint);
      capabilities = ehloCapabilities(await dialogue.run('ehlo', ehlo, [250]));
    }
    if (endpoint.user) {
      if (!capabilities.has('AUTH'))
        throw new SendFailure('EAUTH', 'AUTH required but the server does not offer it');
      const token = Buffer.from(`\0${endpoint.user}\0${endpoint.password ?? ''}`).toString('base64');
      await dialogue.run('auth', `AUTH PLAIN ${token}`, [235], 'AUTH PLAIN ***');
    }
    await dialogue.run('mail', `MAIL FROM:<${envelope.from}>`, [250]);
    const rcpt = await dialogue.run('rcpt', `RCPT TO:<${envelope.to}>`, [250, 251]);
    await dialogue.run('rset', 'RSET', [250]);
    await dialogue.command('quit', 'QUIT').catch(() => undefined);
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
