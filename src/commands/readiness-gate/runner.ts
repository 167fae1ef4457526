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
  /** From the gate's start to the passing attempt's end. */
  timeToReadyMs?: number;
  /** The passing attempt's detail, or the last failure's. */
  detail: string;
  /** The last attempt's status: fail (a wrong answer) or error (no answer) for a check not ready. */
  status: Outcome['status'];
  /** The last attempt's data, when its kind of check gives any. */
  evidence?: Evidence;
  /** Why the last attempt did not pass, for machines (AUTH_FAILED, TLS_MISMATCH ...). */
  code?: string;
  terminal: boolean;
  durationMs: number;
}

const DEFAULT_ATTEMPT_MS = 10_000;
/** How long past its budget an attempt may take to give its own reason, before the gate moves on. */
const OVERRUN_GRACE_MS = 500;

/**
 * Every check at once, each retried every `intervalMs` until it passes, fails for
 * good, or the one deadline (`signal`) ends the gate: no per-check timeouts that add up.
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
      let attempts = 0;
      let detail = 'not attempted before the deadline';
      let last: Outcome = { status: 'error', summary: detail };
      const outcome = (ready: boolean, terminal: boolean): CheckOutcome => {
        const durationMs = Date.now() - started;
        return {
          name: spec.name,
          kind: spec.kind,
          ready,
          attempts,
          ...(ready ? { timeToReadyMs: durationMs } : {}),
          detail,
          status: last.status,
          ...(last.details ? { evidence: last.details } : {}),
          ...(last.code ? { code: last.code } : {}),
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
        if (result.status === 'pass') {
          options.progress.end(spec.name, 'pass', `${detail} (attempt ${attempts})`);
          return outcome(true, false);
        }
        if (result.terminal || options.once) {
          options.progress.end(spec.name, 'fail', detail);
          return outcome(false, result.terminal === true);
        }
        options.progress.update(spec.name, `attempt ${attempts}: ${detail}`);
        if (!(await sleep(options.intervalMs, options.signal))) break;
      }
      options.progress.end(spec.name, 'fail', `deadline reached: ${detail}`);
      return outcome(false, false);
    }),
  );
}
