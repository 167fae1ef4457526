import type { MetricFamily, Report } from '../../checks/types.js';
import type { ReportBuilder } from '../../report/builder.js';
import type { AuthVerdicts } from '../../checks/auth-results.js';
import type { Hop } from '../../checks/received.js';
import { formatSeconds } from '../../config/duration.js';
import type { CleanupOutcome } from './mailbox.js';
import type { ProbeMode } from './options.js';

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

const gauge = (name: string, help: string, samples: MetricFamily['samples']): MetricFamily => ({
  name: `email_roundtrip_${name}`,
  help,
  type: 'gauge',
  policy: 'every-run',
  samples,
});

const seconds = (ms: number | undefined) => (ms === undefined ? NaN : ms / 1000);

/** The probe's own families; NaN where a failed run has no figure, so dashboards show a gap, not an old value. */
function families(trip: Trip): MetricFamily[] {
  const list = [
    gauge(
      'duration_seconds',
      'Round trip of the last run: send accepted to probe seen over IMAP (NaN when it failed).',
      [{ labels: {}, value: seconds(trip.roundtripMs) }],
    ),
    gauge('submit_duration_seconds', 'Time to get the probe accepted by the sending service.', [
      { labels: {}, value: seconds(trip.submitMs) },
    ]),
    gauge('attempts', 'Wait windows used (the window the probe was seen in, or all of them).', [
      { labels: {}, value: trip.attempts },
    ]),
    gauge('failure_info', 'Phase that failed the last run (send, connect, auth, wait, cleanup), or none.', [
      { labels: { phase: trip.failure?.phase ?? 'none' }, value: 1 },
    ]),
    gauge(
      'hop_delay_seconds',
      'Delay between consecutive Received headers of the delivered probe.',
      trip.hops.map((hop) => ({
        labels: { hop: String(hop.index), by: hop.by || 'unknown' },
        value: hop.delaySeconds,
      })),
    ),
    gauge(
      'auth_result',
      'Authentication-Results verdicts the receiving server recorded on the probe, 1 per method and result.',
      Object.entries(trip.auth?.results ?? {}).map(([method, result]) => ({
        labels: { method, result },
        value: 1,
      })),
    ),
  ];
  if (trip.cleanup) {
    list.push(
      gauge('stale_deleted', 'Earlier probes older than --stale-after deleted by this run.', [
        { labels: {}, value: trip.cleanup.staleDeleted },
      ]),
      gauge('late_arrivals', 'Earlier probes in the mailbox that arrived after their wait window.', [
        { labels: {}, value: trip.cleanup.lateArrivals },
      ]),
    );
  }
  return list.filter((family) => family.samples.length > 0);
}

const VERDICT: Record<ProbeMode, [string, string]> = {
  probe: ['Round-trip SUCCESS', 'Round-trip FAILED'],
  'dry-run': ['Dry run SUCCESS: the send path accepts the probe', 'Dry run FAILED'],
  'verify-only': ['Verify SUCCESS: IMAP login and mailbox work', 'Verify FAILED'],
};

/**
 * The report of a run. Dry runs and verifications are checks of one side only:
 * their metrics are shown but never pushed, so they cannot touch the alerts.
 */
export function buildReport(trip: Trip, report: ReportBuilder, mode: ProbeMode): Report {
  const [good, bad] = VERDICT[mode];
  const passed = trip.failure === undefined && (mode !== 'probe' || trip.roundtripMs !== undefined);
  const summary = passed
    ? mode === 'probe'
      ? `${good} in ${formatSeconds(trip.roundtripMs ?? 0)}`
      : good
    : `${bad} at ${trip.failure?.phase ?? 'wait'}: ${trip.failure?.reason ?? 'unknown'}`;
  return report.finish({
    status: passed ? 'pass' : 'fail',
    summary,
    metrics: families(trip),
    ...(mode === 'probe' ? {} : { pushable: false }),
  });
}
