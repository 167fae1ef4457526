import { tlsModeFix } from '../../../checks/tls-mismatch.js';
import { durationText } from '../../../config/duration.js';
/** One attempt's outcome. terminal: retrying cannot help (ProgressDeadlineExceeded). */
export interface Attempt {
  ok: boolean;
  detail: string;
  terminal?: boolean;
}

export interface AttemptContext {
  /** Aborts at this attempt's budget or the gate's deadline, whichever comes first. */
  signal: AbortSignal;
  timeoutMs: number;
}

/** A check ready to attempt: secrets read and options checked once, before the first attempt. */
export type Probe = (ctx: AttemptContext) => Promise<Attempt>;

export const passed = (detail: string): Attempt => ({ ok: true, detail });
export const failed = (detail: string, terminal = false): Attempt => ({
  ok: false,
  detail,
  ...(terminal ? { terminal } : {}),
});

/** An error as one line for the report: node's code when it has one, then the message. */
export function describeError(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message.split('\n')[0] : String(error);
  // A TLS mismatch says all there is in its words; node's codes (ECONNREFUSED) add the cause.
  const code = typeof e.code === 'string' && e.code !== 'TLS_MISMATCH' ? e.code : undefined;
  return code && !message?.includes(code) ? `${code}: ${message}` : (message ?? '');
}

/** Destroys a socket when the attempt's signal aborts, so a silent server costs one budget. */
export function destroyOnAbort(
  signal: AbortSignal,
  socket: { destroy(error?: Error): void },
  timeoutMs: number,
): void {
  const stop = () => socket.destroy(new Error(`no answer within ${durationText(timeoutMs)}`));
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
}

/** How a check of the gate file is told to change its TLS mode. */
export const GATE_TLS_FIX = tlsModeFix('tls:');

/** The server disagrees with the check's TLS mode (TlsMismatchError, or an IMAP failure made of one). */
export const isTlsMismatch = (error: unknown) => (error as { code?: unknown }).code === 'TLS_MISMATCH';
