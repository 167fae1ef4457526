import { durationText } from '../config/duration.js';
import type { Evidence } from './types.js';

/** What a check gets besides its options: the attempt's signal (its budget or the run's deadline) and budget. */
export interface CheckContext {
  signal: AbortSignal;
  timeoutMs: number;
}

/**
 * What one attempt of a check found. pass: evaluated and right; fail: evaluated and wrong (a
 * 503, a wrong answer); error: could not be evaluated (refused, silent, unreachable).
 * terminal: retrying cannot help (a TLS mismatch, 401/403, ProgressDeadlineExceeded).
 */
export interface Outcome {
  status: 'pass' | 'fail' | 'error';
  summary: string;
  details?: Evidence;
  terminal?: boolean;
  /** Why it did not pass, for machines: AUTH_FAILED, TLS_MISMATCH, ECONNREFUSED, SMTP_535 ... */
  code?: string;
}

/** A check of one protocol: typed options and a context in, an outcome out; it never throws for a broken server. */
export type Check<O> = (options: O, ctx: CheckContext) => Promise<Outcome>;

const outcome =
  (status: Outcome['status']) =>
  (summary: string, extra: { details?: Evidence; terminal?: boolean; code?: string } = {}): Outcome => ({
    status,
    summary,
    ...(extra.details ? { details: extra.details } : {}),
    ...(extra.terminal ? { terminal: true } : {}),
    // Libraries give codes of every type (imapflow, node-postgres): the report's is text.
    ...(extra.code !== undefined ? { code: String(extra.code) } : {}),
  });

export const passed = outcome('pass');
export const failed = outcome('fail');
export const errored = outcome('error');

/** An error as one line for the report: node's code when it has one, then the message. */
export function describeError(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message.split('\n')[0] : String(error);
  // A TLS mismatch says all there is in its words; node's codes (ECONNREFUSED) add the cause.
  const code = typeof e.code === 'string' && e.code !== 'TLS_MISMATCH' ? e.code : undefined;
  return code && !message?.includes(code) ? `${code}: ${message}` : (message ?? '');
}

/** The server disagrees with the check's TLS mode (TlsMismatchError, or an IMAP failure made of one). */
export const isTlsMismatch = (error: unknown) => (error as { code?: unknown }).code === 'TLS_MISMATCH';

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

/** An outcome as the fields of a report's check: its code, when it has one, as the check's error. */
export function resultOf(outcome: Outcome): {
  status: Outcome['status'];
  summary: string;
  details?: Evidence;
  error?: { code: string; message: string };
} {
  return {
    status: outcome.status,
    summary: outcome.summary,
    ...(outcome.details ? { details: outcome.details } : {}),
    ...(outcome.code && outcome.status !== 'pass'
      ? { error: { code: outcome.code, message: outcome.summary } }
      : {}),
  };
}
