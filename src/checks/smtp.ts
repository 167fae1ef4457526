import { StepTimeoutError } from './deadline.js';
import {
  type CheckContext,
  describeError,
  errored,
  failed,
  isTlsMismatch,
  type Outcome,
  passed,
} from './outcome.js';
import { SendFailure } from './outgoing.js';
import { type SmtpDialogue, SmtpStepError } from './smtp-dialogue.js';
import type { SmtpEndpoint } from './smtp-send.js';
import { openSmtpSession } from './smtp-session.js';

export interface SmtpOptions {
  endpoint: SmtpEndpoint;
  /** The EHLO name; the host's name when absent. */
  ehlo?: string;
  /** Go on to MAIL FROM and RCPT TO, then RSET: the send path checked without delivering. */
  envelope?: { from: string; to: string };
}

/** Why an SMTP conversation stopped, as a code for machines. */
function codeOf(error: unknown): string {
  if (error instanceof SmtpStepError) return `SMTP_${error.reply.code}`;
  if (error instanceof StepTimeoutError) return 'TIMEOUT';
  if (error instanceof SendFailure) return error.code;
  return (error as { code?: string }).code ?? 'ERROR';
}

/**
 * Greeting, EHLO, STARTTLS (required when asked for: a server that does not offer it fails),
 * AUTH PLAIN when a user is given; with an envelope, MAIL FROM and RCPT TO, then RSET. QUIT.
 * A reply the server should not give is a failure; a server that cannot be talked to, an error.
 */
export async function smtpCheck(options: SmtpOptions, { signal, timeoutMs }: CheckContext): Promise<Outcome> {
  const { endpoint, envelope } = options;
  const where = `${endpoint.host}:${endpoint.port}`;
  let dialogue: SmtpDialogue | undefined;
  try {
    const session = await openSmtpSession(endpoint, {
      timeoutMs,
      signal,
      ...(options.ehlo ? { ehloName: options.ehlo } : {}),
    });
    dialogue = session.dialogue;
    let rcpt: string | undefined;
    if (envelope) {
      await dialogue.run('mail', `MAIL FROM:<${envelope.from}>`, [250]);
      const reply = await dialogue.run('rcpt', `RCPT TO:<${envelope.to}>`, [250, 251]);
      rcpt = reply.lines.at(-1) ?? String(reply.code);
      await dialogue.run('rset', 'RSET', [250]);
    }
    await dialogue.quit();
    const steps = [endpoint.tls === 'starttls' ? 'STARTTLS' : '', endpoint.user ? 'AUTH' : ''].filter(
      Boolean,
    );
    const details = {
      kind: 'smtp-session' as const,
      host: endpoint.host,
      port: endpoint.port,
      tls: endpoint.tls,
      greeting: session.greeting,
      capabilities: [...session.capabilities].filter(Boolean),
      authenticated: endpoint.user !== undefined,
      ...(rcpt === undefined ? {} : { rcpt }),
    };
    return passed(
      rcpt === undefined
        ? `${session.greeting}${steps.length ? `; ${steps.join(' and ')} ok` : ''}`
        : `RCPT ${rcpt}, then RSET`,
      { details },
    );
  } catch (error) {
    const code = codeOf(error);
    const summary = `${where}: ${describeError(error)}`;
    // A reply the server gave (535, 550, STARTTLS not offered) is its answer; anything else: no answer.
    const answered = error instanceof SmtpStepError || error instanceof SendFailure;
    return (answered ? failed : errored)(summary, { code, terminal: isTlsMismatch(error) });
  } finally {
    dialogue?.close();
  }
}
