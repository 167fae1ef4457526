import type { MetricFamily, Report } from '../../checks/types.js';
import type { ReportBuilder } from '../../report/builder.js';
import type { AuthVerdicts } from '../../checks/auth-results.js';
import type { Hop } from '../../checks/received.js';
import { formatSeconds } from '../../config/duration.js';
import type { CleanupOutcome } from './mailbox.js';
import type { ProbeMode } from './options.js';
import { FAMILIES as F, family, single } from '../../report/families.js';

/** Where a run failed: the label alerts and dashboards split on. */
export type FailurePhase = 'send' | 'connect' | 'auth' | 'wait' | 'cleanup';

export interface Trip {
  tag: string;
  failure?: { phase: FailurePhase; reason: string };
  submitMs?: number;
  roundtripMs?: number;
  attempts: number;
  hops: Hop[];
  auth?: AuthVerdicts;
  cleanup?: CleanupOutcome;
}

const seconds = (ms: number | undefined) => (ms === undefined ? NaN : ms / 1000);

/** The probe's own families; NaN where a failed run has no figure, so dashboards show a gap, not an old value. */
function families(trip: Trip): MetricFamily[] {
  const list = [
    family(F.email_roundtrip_duration_seconds, single(seconds(trip.roundtripMs))),
    family(F.email_roundtrip_submit_duration_seconds, single(seconds(trip.submitMs))),
    family(F.email_roundtrip_attempts, single(trip.attempts)),
    family(F.email_roundtrip_failure_info, [{ labels: { phase: trip.failure?.phase ?? 'none' }, value: 1 }]),
    family(
      F.email_roundtrip_hop_delay_seconds,
      trip.hops.map((hop) => ({
        labels: { hop: String(hop.index), by: hop.by || 'unknown' },
        value: hop.delaySeconds,
      })),
    ),
    family(
      F.email_roundtrip_auth_result_info,
      Object.entries(trip.auth?.results ?? {}).map(([method, result]) => ({
        labels: { method, result },
        value: 1,
      })),
    ),
  ];
  if (trip.cleanup) {
    list.push(
      family(F.email_roundtrip_deleted_stale_probes, single(trip.cleanup.staleDeleted)),
      family(F.email_roundtrip_late_arrivals, single(trip.cleanup.lateArrivals)),
    );
  }
  return list.filter((f) => f.samples.length > 0);
}

const VERDICT: Record<ProbeMode, [string, string]> = {
  probe: ['Round-trip SUCCESS', 'Round-trip FAILED'],
  'dry-run': ['Dry run SUCCESS: the send path accepts the probe', 'Dry run FAILED'],
  'verify-only': ['Verify SUCCESS: IMAP login and mailbox work', 'Verify FAILED'],
};

/** Whether a run passed, in one line: "Round-trip SUCCESS in 1.2s", "Round-trip FAILED at auth: ...". */
export function tripVerdict(trip: Trip, mode: ProbeMode): { passed: boolean; summary: string } {
  const [good, bad] = VERDICT[mode];
  const passed = trip.failure === undefined && (mode !== 'probe' || trip.roundtripMs !== undefined);
  const summary = passed
    ? mode === 'probe'
      ? `${good} in ${formatSeconds(trip.roundtripMs ?? 0)}`
      : good
    : `${bad} at ${trip.failure?.phase ?? 'wait'}: ${trip.failure?.reason ?? 'unknown'}`;
  return { passed, summary };
}

/**
 * The report of a run. Dry runs and verifications are checks of one side only:
 * their metrics are shown but never pushed, so they cannot touch the alerts.
 */
export function buildReport(trip: Trip, report: ReportBuilder, mode: ProbeMode): Report {
  const { passed, summary } = tripVerdict(trip, mode);
  return report.finish({
    status: passed ? 'pass' : 'fail',
    summary,
    metrics: families(trip),
    ...(mode === 'probe' ? {} : { pushable: false }),
  });
}
