import type { RunContext } from '../../cli/command-spec.js';
import type { Report } from '../../checks/types.js';
import { MailboxWatcher } from './mailbox.js';
import { parseProbeOptions, type ProbeValues } from './options.js';
import { ReportBuilder } from '../../report/builder.js';
import { buildReport, type Trip } from './report.js';
import { cleanup, prepare, type ProbeRun, send, verifyMailbox, wait } from './steps.js';
import { makeTag } from './tag.js';

/**
 * Sends a tagged probe, waits for it over IMAP, measures, cleans up; or, with
 * --dry-run, only checks the send path, and with --verify-only only the
 * mailbox. Never throws for a broken mail path: that is a failed report.
 */
export async function run(values: ProbeValues, ctx: RunContext): Promise<Report> {
  const opts = await parseProbeOptions(values, ctx.env);
  const trip: Trip = { tag: makeTag(Date.now()), attempts: 0, hops: [] };
  const probe: ProbeRun = {
    opts,
    ctx,
    trip,
    report: new ReportBuilder({
      command: 'probe-roundtrip',
      metricPrefix: 'email_roundtrip',
      progress: ctx.progress,
    }),
    watcher: new MailboxWatcher(opts, ctx.signal, ctx.log, ctx.progress),
  };
  try {
    if (opts.mode === 'dry-run') {
      await send(probe, true);
    } else if (opts.mode === 'verify-only') {
      await verifyMailbox(probe);
    } else {
      await prepare(probe);
      const acceptedAt = trip.failure ? undefined : await send(probe, false);
      const uid = acceptedAt === undefined ? undefined : await wait(probe, acceptedAt);
      // No cleanup after a refused login or once the run was stopped: neither would get through.
      if (!ctx.signal.aborted && trip.failure?.phase !== 'auth') await cleanup(probe, uid);
    }
  } finally {
    await probe.watcher.close();
  }
  return buildReport(trip, probe.report, opts.mode);
}
