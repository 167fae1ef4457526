import { durationText } from '../../config/duration.js';
import { settleBy, sleep } from '../../checks/deadline.js';
import type { Progress } from '../../output/progress.js';
import type { CheckSpec } from './schema.js';
import { describeError, type Outcome } from '../../checks/outcome.js';
import type { Evidence } from '../../checks/types.js';
import type { Attempt } from './checks.js';

export interface CheckOutcome {
  name: string;
  kind: CheckSpec['kind'];
  ready: boolean;
  attempts: number;
  /** Passing attempts in a row at the end, and how many make the check ready (its successes). */
  consecutive: { reached: number; required: number };
  /** From the gate's start to the passing attempt's end. */
  timeToReadyMs?: number;
  /** The passing attempt's detail, or the last failure's (the last pass's when none failed). */
  detail: string;
  /** For a check not ready: the last failure's, fail (a wrong answer) or error (no answer); fail when none failed. */
  status: Outcome['status'];
  /** The data of the attempt the detail is of, when its kind of check gives any. */
  evidence?: Evidence;
  /** Why the last attempt did not pass, for machines (AUTH_FAILED, TLS_MISMATCH ...). */
  code?: string;
  terminal: boolean;
  durationMs: number;
}

const DEFAULT_ATTEMPT_MS = 10_000;
/** How long past its budget an attempt may take to give its own reason, before the gate moves on. */
const OVERRUN_GRACE_MS = 500;

/** "3 passes in a row", "1 of 3 passes in a row": said only of a check that needs more than one. */
export function inARow({ reached, required }: CheckOutcome['consecutive']): string | undefined {
  if (required <= 1) return undefined;
  return reached >= required ? `${reached} passes in a row` : `${reached} of ${required} passes in a row`;
}

/** The words, and the count of passes in a row after them when it matters. */
export const withCount = (words: string, consecutive: CheckOutcome['consecutive']) => {
  const count = inARow(consecutive);
  return count ? `${words} (${count})` : words;
};

/**
 * Every check at once, each retried every `intervalMs` until it has passed its `successes`
 * attempts in a row (a failure starts the count again), fails for good, or the one deadline
 * (`signal`) ends the gate: no per-check timeouts that add up.
 * `once`: a single attempt each (the report-only run of a skipped gate).
 */
export async function runChecks(
  checks: { spec: CheckSpec; attempt: Attempt }[],
  options: { intervalMs: number; signal: AbortSignal; progress: Progress; once: boolean },
): Promise<CheckOutcome[]> {
  const started = Date.now();
  return Promise.all(
    checks.map(async ({ spec, attempt: check }): Promise<CheckOutcome> => {
      const budget = spec['attempt-timeout'] ?? DEFAULT_ATTEMPT_MS;
      options.progress.begin(spec.name, `${spec.kind} check, up to ${durationText(budget)} an attempt`);
      const required = spec.successes;
      let attempts = 0;
      let reached = 0;
      let detail = 'not attempted before the deadline';
      let last: Outcome = { status: 'error', summary: detail };
      /** The last failure: what a check not ready reports, even when passes followed it. */
      let failure: { detail: string; last: Outcome } | undefined;
      const outcome = (ready: boolean, terminal: boolean): CheckOutcome => {
        const durationMs = Date.now() - started;
        const shown = ready || !failure ? { detail, last } : failure;
        return {
          name: spec.name,
          kind: spec.kind,
          ready,
          attempts,
          consecutive: { reached, required },
          ...(ready ? { timeToReadyMs: durationMs } : {}),
          detail: shown.detail,
          // Passes too few in a row, before the deadline: evaluated, and not (yet) right.
          status: !ready && shown.last.status === 'pass' ? 'fail' : shown.last.status,
          ...(shown.last.details ? { evidence: shown.last.details } : {}),
          ...(shown.last.code ? { code: shown.last.code } : {}),
          terminal,
          durationMs,
        };
      };
      for (;;) {
        if (options.signal.aborted) break;
        attempts++;
        const attempt = AbortSignal.any([options.signal, AbortSignal.timeout(budget)]);
        const result: Outcome = await settleBy(
          check({ signal: attempt, timeoutMs: budget }).catch((error: unknown): Outcome => ({
            status: 'error',
            summary: describeError(error),
          })),
          attempt,
          OVERRUN_GRACE_MS,
          () => ({ status: 'error', summary: 'no answer' }),
        );
        if (result.status !== 'pass' && attempt.aborted) {
          // Cut short by the gate's deadline: the previous attempt's reason is the one worth reporting.
          if (options.signal.aborted && attempts > 1) break;
          last = { ...result, status: 'error' };
          detail = options.signal.aborted
            ? 'no answer before the deadline'
            : `no answer within ${durationText(budget)}`;
        } else {
          last = result;
          detail = result.summary;
        }
        reached = result.status === 'pass' ? reached + 1 : 0;
        if (result.status !== 'pass') failure = { detail, last };
        const consecutive = { reached, required };
        if (reached >= required) {
          const count = inARow(consecutive);
          options.progress.end(
            spec.name,
            'pass',
            `${detail} (attempt ${attempts}${count ? `, ${count}` : ''})`,
          );
          return outcome(true, false);
        }
        if (result.terminal || options.once) {
          const ended = outcome(false, result.terminal === true);
          options.progress.end(spec.name, 'fail', withCount(ended.detail, consecutive));
          return ended;
        }
        options.progress.update(spec.name, withCount(`attempt ${attempts}: ${detail}`, consecutive));
        if (!(await sleep(options.intervalMs, options.signal))) break;
      }
      const ended = outcome(false, false);
      options.progress.end(
        spec.name,
        'fail',
        withCount(`deadline reached: ${ended.detail}`, ended.consecutive),
      );
      return ended;
    }),
  );
}
