import { connect as netConnect, type Socket } from 'node:net';
import { durationText } from '../config/duration.js';
import { StepTimeoutError, withDeadline } from './deadline.js';
import type { TlsMode } from './imap.js';
import { type OutgoingProbe, type SendOutcome, SendFailure } from './outgoing.js';
import { plainTextReply, type TlsFix, type TlsMismatchError, watchForTls } from './tls-mismatch.js';
import { verification } from './tls-options.js';

export interface SmtpEndpoint {
  host: string;
  port: number;
  tls: TlsMode;
  user?: string;
  password?: string;
  ca?: string;
  insecure: boolean;
  /** What to tell the operator when the server disagrees on TLS. */
  tlsFix: TlsFix;
}

/**
 * Submits over SMTP with nodemailer. STARTTLS, when asked for, is required:
 * a server that does not offer it fails the send instead of being skipped.
 */
export async function sendSmtp(
  endpoint: SmtpEndpoint,
  message: OutgoingProbe,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<SendOutcome> {
  const nodemailer = await import('nodemailer');
  let mismatch: TlsMismatchError | undefined;
  const transport = nodemailer.createTransport({
    // The socket is ours so that a server speaking TLS from the start is caught at once (watchForTls).
    getSocket: (_: unknown, callback: (error: Error | null, socket?: { connection: Socket }) => void) => {
      const socket = netConnect({ host: endpoint.host, port: endpoint.port });
      socket.setTimeout(options.timeoutMs, () =>
        socket.destroy(new Error(`connect: no answer within ${durationText(options.timeoutMs)}`)),
      );
      const refused = (error: Error) => callback(error);
      socket.once('error', refused);
      socket.once('connect', () => {
        socket.off('error', refused);
        socket.setTimeout(0);
        if (endpoint.tls !== 'implicit') {
          const unwatch = watchForTls(
            endpoint,
            () => socket.bytesRead,
            endpoint.tlsFix,
            (error) => {
              mismatch = error;
              socket.destroy(error);
            },
          );
          socket.once('data', unwatch).once('close', unwatch);
        }
        callback(null, { connection: socket });
      });
    },
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.tls === 'implicit',
    requireTLS: endpoint.tls === 'starttls',
    ignoreTLS: endpoint.tls === 'none',
    ...(endpoint.user ? { auth: { user: endpoint.user, pass: endpoint.password ?? '' } } : {}),
    tls: verification(endpoint),
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    logger: false,
  });
  const started = Date.now();
  try {
    const info = (await withDeadline(
      'smtp send',
      options.timeoutMs * 3,
      transport.sendMail({ ...message, envelope: { from: message.from, to: [message.to] } }),
      { signal: options.signal, onExpire: () => transport.close() },
    )) as { response?: string; rejected?: unknown[] };
    const acceptedAt = Date.now();
    if (Array.isArray(info.rejected) && info.rejected.length > 0) {
      throw new SendFailure('REJECTED', `recipient refused: ${info.response ?? 'no reply'}`);
    }
    return { response: (info.response ?? '').trim(), acceptedAt, durationMs: acceptedAt - started };
  } catch (error) {
    if (error instanceof SendFailure) throw error;
    const wrongTls = mismatch ?? plainTextReply(error, endpoint.tlsFix);
    if (wrongTls) throw new SendFailure(wrongTls.code, wrongTls.message);
    if (error instanceof StepTimeoutError) throw new SendFailure('TIMEOUT', error.message);
    const e = error as { code?: string; responseCode?: number; response?: string; message?: string };
    const reply = e.response ? `: ${e.response.trim()}` : '';
    const code = e.code ?? 'ERROR';
    const what =
      code === 'ETLS'
        ? `STARTTLS required but it failed${reply || `: ${e.message ?? ''}`}`
        : e.responseCode
          ? `SMTP ${e.responseCode}${reply}`
          : (e.message ?? String(error));
    throw new SendFailure(code, `${what} (${code})`);
  } finally {
    transport.close();
  }
}
