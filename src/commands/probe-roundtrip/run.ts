import type { RunContext } from '../../cli/command-spec.js';
import type { Report } from '../../checks/types.js';
import { MailboxWatcher } from './mailbox.js';
import { parseProbeOptions, type ProbeOptions, type ProbeValues } from './options.js';
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
  const report = new ReportBuilder({
    command: 'probe-roundtrip',
    metricPrefix: 'email_roundtrip',
    progress: ctx.progress,
  });
  const trip = await probe(opts, ctx, report);
  return buildReport(trip, report, opts.mode);
}

/** One probe in its mode, each step recorded in `report`: what the subcommand and the gate's mail-roundtrip run. */
export async function probe(opts: ProbeOptions, ctx: ProbeRun['ctx'], report: ReportBuilder): Promise<Trip> {
  const trip: Trip = { tag: makeTag(Date.now()), attempts: 0, hops: [] };
  const run: ProbeRun = {
    opts,
    ctx,
    trip,
    report,
    watcher: new MailboxWatcher(opts, ctx.signal, ctx.log, ctx.progress),
  };
  try {
    if (opts.mode === 'dry-run') {
      await send(run, true);
    } else if (opts.mode === 'verify-only') {
      await verifyMailbox(run);
    } else {
      await prepare(run);
      const acceptedAt = trip.failure ? undefined : await send(run, false);
      const uid = acceptedAt === undefined ? undefined : await wait(run, acceptedAt);
      // No cleanup after a refused login or once the run was stopped: neither would get through.
      if (!ctx.signal.aborted && trip.failure?.phase !== 'auth') await cleanup(run, uid);
    }
  } finally {
    await run.watcher.close();
  }
  return trip;
}
