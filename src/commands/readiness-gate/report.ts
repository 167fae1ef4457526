import type { Report } from '../../checks/types.js';
import { ReportBuilder } from '../../report/builder.js';
import { FAMILIES as F, family, single } from '../../report/families.js';
import { type CheckOutcome, inARow, withCount } from './runner.js';

/** Why a check is not ready: failed for good, or not ready at the deadline (with its passes in a row). */
function notReady(o: CheckOutcome): string {
  if (o.terminal) return 'failed for good';
  const count = inARow(o.consecutive);
  return count ? `not ready at the deadline, ${count}` : 'not ready at the deadline';
}

export function gateReport(
  outcomes: CheckOutcome[],
  options: { startedAt: number; skippedReason?: string | undefined },
): Report {
  const waiting = outcomes.filter((o) => !o.ready);
  const report = new ReportBuilder({
    command: 'readiness-gate',
    metricPrefix: 'readiness_gate',
    startedAt: options.startedAt,
  });
  for (const o of outcomes)
    report.check({
      name: o.name,
      // Not ready: the last attempt's verdict, a wrong answer (fail) or none (error).
      status: o.ready ? 'pass' : o.status,
      summary: o.ready ? withCount(o.detail, o.consecutive) : `${notReady(o)}: ${o.detail}`,
      durationMs: o.durationMs,
      attempts: o.attempts,
      details: {
        kind: 'gate-check',
        check: o.kind,
        ready: o.ready,
        terminal: o.terminal,
        attempts: o.attempts,
        consecutive: o.consecutive,
        ...(o.timeToReadyMs === undefined ? {} : { timeToReadyMs: o.timeToReadyMs }),
        last: o.detail,
        ...(o.evidence ? { evidence: o.evidence } : {}),
      },
      ...(!o.ready && o.code ? { error: { code: o.code, message: o.detail } } : {}),
    });
  const skipped = options.skippedReason !== undefined;
  const summary = skipped
    ? `Readiness gate SKIPPED (${options.skippedReason ?? ''}): report only, ${outcomes.length - waiting.length} of ${outcomes.length} checks ready`
    : waiting.length
      ? `Readiness gate FAILED: ${waiting.map((o) => o.name).join(', ')} not ready`
      : `Readiness gate PASSED: all ${outcomes.length} checks ready`;
  if (skipped)
    report.warn(
      `READINESS GATE SKIPPED: ${options.skippedReason ?? ''}. Nothing was waited for; the deploy is unverified.`,
    );
  return report.finish({
    status: skipped || waiting.length === 0 ? 'pass' : 'fail',
    summary,
    metrics: [
      family(F.readiness_gate_skipped, single(skipped ? 1 : 0)),
      family(
        F.readiness_check_success,
        outcomes.map((o) => ({ labels: { check: o.name }, value: o.ready ? 1 : 0 })),
      ),
      family(
        F.readiness_check_status_info,
        outcomes.map((o) => ({ labels: { check: o.name, status: o.ready ? 'pass' : o.status }, value: 1 })),
      ),
      family(
        F.readiness_check_time_to_ready_seconds,
        outcomes
          .filter((o) => o.ready)
          .map((o) => ({ labels: { check: o.name }, value: (o.timeToReadyMs ?? 0) / 1000 })),
      ),
      family(
        F.readiness_check_attempts,
        outcomes.map((o) => ({ labels: { check: o.name }, value: o.attempts })),
      ),
    ].filter((f) => f.samples.length > 0),
  });
}
