import { connect as tlsConnect } from 'node:tls';
import { serverName } from './tls-options.js';

/**
 * How long a server that should greet first (SMTP 220, IMAP * OK) may stay silent before
 * mailops asks, on a second connection, whether it speaks TLS from the start. A greeting
 * takes milliseconds; postscreen's delayed one starts with "220-" at once.
 */
export const SNIFF_AFTER_MS = 1000;

/** What the operator should change, in the words of where the TLS mode was set. */
export interface TlsFix {
  /** For a server that speaks TLS from the start. */
  tls: string;
  /** For a server that greets in plain text. */
  plain: string;
}

/** The fix when the TLS mode is an option or config key taking implicit, starttls or none. */
export const tlsModeFix = (option: string): TlsFix => ({
  tls: `use ${option} implicit`,
  plain: `use ${option} starttls (or none)`,
});

/** The client and the server disagree on TLS; `serverSpeaks` says what the server does. */
export class TlsMismatchError extends Error {
  readonly code = 'TLS_MISMATCH';
  readonly serverSpeaks: 'tls' | 'plain';
  constructor(serverSpeaks: 'tls' | 'plain', fix: TlsFix) {
    super(
      serverSpeaks === 'tls'
        ? `the server speaks TLS from the start: ${fix.tls}`
        : `the server speaks plain text first, not TLS: ${fix.plain}`,
    );
    this.name = 'TlsMismatchError';
    this.serverSpeaks = serverSpeaks;
  }
}

/** What OpenSSL says when a TLS client gets a plain-text greeting instead of a ServerHello. */
const PLAIN_TEXT_REPLY = /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST|UNKNOWN_PROTOCOL/;

/** The TLS error of an implicit-TLS connection, as a mismatch when the server spoke plain text. */
export function plainTextReply(error: unknown, fix: TlsFix): TlsMismatchError | undefined {
  const code = (error as { code?: unknown }).code;
  const text = `${typeof code === 'string' ? code : ''} ${(error as Error).message ?? ''}`;
  return PLAIN_TEXT_REPLY.test(text.toUpperCase().replace(/ /g, '_'))
    ? new TlsMismatchError('plain', fix)
    : undefined;
}

/** True when host:port answers a TLS ClientHello with a handshake: it speaks TLS from the start. */
export function speaksTls(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    // Only the protocol is asked about: nothing is sent over this connection, so nothing is verified.
    const socket = tlsConnect({ host, port, servername: serverName(host), rejectUnauthorized: false });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Watches a plain connection waiting for a greeting: when no byte has come SNIFF_AFTER_MS after
 * it was opened, and a second connection finds the server speaking TLS, `onMismatch` gets the
 * error (the attempt fails at once, instead of waiting its whole budget for a greeting that
 * will never come). Returns a function that stops the watch.
 */
export function watchForTls(
  target: { host: string; port: number },
  bytesRead: () => number,
  fix: TlsFix,
  onMismatch: (error: TlsMismatchError) => void,
): () => void {
  let stopped = false;
  const timer = setTimeout(() => {
    if (stopped || bytesRead() > 0) return;
    void speaksTls(target.host, target.port, SNIFF_AFTER_MS * 2).then((tls) => {
      if (tls && !stopped && bytesRead() === 0) onMismatch(new TlsMismatchError('tls', fix));
    });
  }, SNIFF_AFTER_MS);
  timer.unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
