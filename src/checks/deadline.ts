import { durationText } from '../config/duration.js';
/** A step that ran out of its time budget; `step` says which (connect, greeting, search ...). */
export class StepTimeoutError extends Error {
  readonly step: string;
  constructor(step: string, ms: number) {
    super(`${step}: no answer within ${durationText(ms)}`);
    this.name = 'StepTimeoutError';
    this.step = step;
  }
}

/**
 * Races a promise against its own time budget and an abort signal. On expiry
 * onExpire() runs (closing the socket), because a lost race alone would leave
 * the operation running: the bug of probes that hang on a silent server.
 */
export async function withDeadline<T>(
  step: string,
  ms: number,
  work: Promise<T>,
  options: { signal?: AbortSignal; onExpire?: () => void } = {},
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      options.onExpire?.();
      reject(new StepTimeoutError(step, ms));
    }, ms);
    if (options.signal) {
      onAbort = () => {
        options.onExpire?.();
        reject(
          options.signal?.reason instanceof Error ? options.signal.reason : new Error(`${step}: aborted`),
        );
      };
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    return await Promise.race([work, expiry]);
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    // The losing promise may still reject later; nobody waits for it.
    work.catch(() => undefined);
  }
}

/**
 * The work's result; or, once the signal has aborted and the work has had graceMs more to say
 * why, the fallback's. A check that misses its own abort cannot hold the run past its budget.
 */
export async function settleBy<T>(
  work: Promise<T>,
  signal: AbortSignal,
  graceMs: number,
  fallback: () => T,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort = () => undefined as void;
  const cutoff = new Promise<T>((resolve) => {
    onAbort = () => {
      timer = setTimeout(() => resolve(fallback()), graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, cutoff]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    work.catch(() => undefined);
  }
}

/** Sleeps, waking early on abort (resolves false then). */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    if (ms <= 0) return resolve(true);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Why a run was stopped early: its deadline, or a signal (a CronJob's activeDeadlineSeconds sends SIGTERM). */
export function stopReason(signal: AbortSignal): string {
  const reason = signal.reason as Error | undefined;
  return reason?.name === 'TimeoutError'
    ? 'the run deadline (--timeout) was reached'
    : (reason?.message ?? 'stopped');
}

/** What a farewell (LOGOUT, QUIT, Terminate) may cost: a courtesy, never worth an attempt's budget. */
export const GOODBYE_MS = 1000;

/**
 * Says goodbye politely when the server answers, and hangs up when it does not within
 * GOODBYE_MS (or timeoutMs, if shorter): a server silent at LOGOUT must not hold a check that passed.
 */
export async function goodbye(
  step: string,
  work: Promise<unknown>,
  hangUp: () => void,
  timeoutMs: number,
): Promise<void> {
  try {
    await withDeadline(step, Math.min(GOODBYE_MS, timeoutMs), work, { onExpire: hangUp });
  } catch {
    hangUp();
  }
}
