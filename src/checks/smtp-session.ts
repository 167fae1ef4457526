import { hostname } from 'node:os';
import { SendFailure } from './outgoing.js';
import { ehloCapabilities, SmtpDialogue } from './smtp-dialogue.js';
import type { SmtpEndpoint } from './smtp-send.js';

/**
 * Greeting, EHLO, STARTTLS (required when asked for: a server that does not
 * offer it fails, it is never skipped), then AUTH PLAIN when a user is given.
 * The dialogue is returned ready for the next command; the caller closes it.
 */
export async function openSmtpSession(
  endpoint: SmtpEndpoint,
  options: { timeoutMs: number; signal?: AbortSignal; ehloName?: string },
): Promise<{ dialogue: SmtpDialogue; capabilities: Set<string>; greeting: string }> {
  const dialogue = await SmtpDialogue.open(endpoint, options.timeoutMs, options.signal);
  try {
    const greeting = (dialogue.transcript[0] ?? '').replace(/^S: /, '');
    const ehlo = `EHLO ${options.ehloName ?? (hostname() || 'mailops.invalid')}`;
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
    return { dialogue, capabilities, greeting };
  } catch (error) {
    dialogue.close();
    throw error;
  }
}
