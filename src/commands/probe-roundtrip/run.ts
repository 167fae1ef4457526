import type { OptionValues, RunContext } from '../../cli/command-spec.js';
import { trustedVerdicts } from '../../checks/auth-results.js';
import { headerValues } from '../../checks/headers.js';
import { classifyImapError } from '../../checks/imap.js';
import { parseHops } from '../../checks/received.js';
import { SendFailure } from '../../checks/outgoing.js';
import type { CheckResult, Report, Status } from '../../checks/types.js';
import { formatDuration } from '../../config/duration.js';
import { MailboxWatcher } from './mailbox.js';
import { parseProbeOptions } from './options.js';
import { buildReport, type FailurePhase, type Trip } from './report.js';
import { describeSender, sendProbe } from './send.js';
import { makeTag, TAG_HEADER } from './tag.js';

/** Why the run stopped early: the overall deadline, or a signal (a CronJob's activeDeadlineSeconds sends SIGTERM). */
function stopReason(signal: AbortSignal): string {
  const reason = signal.reason as Error | undefined;
  return reason?.name === 'TimeoutError'
    ? 'the run deadline (--timeout) was reached'
    : (reason?.message ?? 'stopped');
}

/** Sends a tagged probe, waits for it over IMAP, measures, cleans up. Never throws for a broken mail path. */
export async function run(values: OptionValues, ctx: RunContext): Promise<Report> {
  const opts = await parseProbeOptions(values, ctx.env);
  const { progress, log, signal } = ctx;
  const trip: Trip = {
    tag: makeTag(Date.now()),
    startedAt: Date.now(),
    checks: [],
    warnings: [],
    attempts: 0,
    hops: [],
  };
  const check = (
    name: string,
    status: Status,
    summary: string,
    since: number,
    extra: Partial<CheckResult> = {},
  ) => {
    trip.checks.push({ name, status, summary, durationMs: Date.now() - since, ...extra });
    progress.end(name, status, summary);
  };
  const fail = (phase: FailurePhase, reason: string) => (trip.failure ??= { phase, reason });
  const watcher = new MailboxWatcher(opts, signal, log, progress);
  const imapAt = `${opts.imap.host}:${opts.imap.port}`;

  try {
    // 1. Open the mailbox first: a refused login ends the run before anything is sent.
    let since = Date.now();
    progress.begin('imap.prepare', `connecting to ${imapAt}`);
    try {
      await watcher.connect();
      check('imap.prepare', 'pass', `${opts.mailbox} open on ${imapAt}, UIDNEXT ${watcher.uidNext}`, since);
    } catch (error) {
      const failure = classifyImapError(error, 'connect');
      check('imap.prepare', 'error', `${failure.phase} failed: ${failure.message}`, since, {
        error: { code: failure.code, message: failure.message },
      });
      if (failure.phase === 'login') fail('auth', `${imapAt}: ${failure.message}`);
      else log.warn(`imap not ready before the send (${failure.message}); sending anyway, the wait retries`);
    }

    // 2. Send.
    let acceptedAt: number | undefined;
    if (!trip.failure) {
      since = Date.now();
      const via = opts.sender.via;
      const target = describeSender(opts.sender);
      progress.begin(`send.${via}`, `submitting to ${target}`);
      try {
        const sent = await sendProbe(
          opts.sender,
          {
            from: opts.from,
            to: opts.to,
            subject: `${trip.tag}: mail round-trip probe`,
            headers: { [TAG_HEADER]: trip.tag },
            text: 'This message checks that mail makes the round trip. mailops deletes it when it arrives.\n',
          },
          { timeoutMs: opts.connectTimeoutMs, signal },
        );
        acceptedAt = sent.acceptedAt;
        trip.submitMs = sent.durationMs;
        check(`send.${via}`, 'pass', `accepted by ${target}: ${sent.response}`, since, {
          details: { tag: trip.tag },
        });
      } catch (error) {
        const failure = error instanceof SendFailure ? error : new SendFailure('ERROR', String(error));
        check(`send.${via}`, 'fail', failure.message, since, {
          error: { code: failure.code, message: failure.message },
        });
        fail('send', `${target}: ${signal.aborted ? stopReason(signal) : failure.message}`);
      }
    }

    // 3. Wait, from the moment the send was accepted.
    let probeUid: number | undefined;
    if (acceptedAt !== undefined) {
      since = Date.now();
      progress.begin('imap.wait', `waiting for ${trip.tag}`);
      const outcome = await watcher.waitFor(trip.tag, acceptedAt);
      trip.attempts = outcome.attempts;
      const found = outcome.found;
      if (found) {
        probeUid = found.uid;
        trip.roundtripMs = found.seenAt - acceptedAt;
        trip.hops = parseHops(headerValues(found.headers, 'received'));
        trip.auth = trustedVerdicts(headerValues(found.headers, 'authentication-results'), opts.authservId);
        check('imap.wait', 'pass', `found ${trip.tag} in ${opts.mailbox} (UID ${found.uid})`, since, {
          attempts: found.attempt,
          details: {
            acceptedAt: new Date(acceptedAt).toISOString(),
            seenAt: new Date(found.seenAt).toISOString(),
            uid: found.uid,
            internalDate: found.internalDate?.toISOString(),
            hops: trip.hops,
            auth: trip.auth ?? null,
          },
        });
      } else {
        const failure = outcome.failure;
        const phase: FailurePhase =
          failure?.phase === 'login'
            ? 'auth'
            : outcome.failedConnects >= outcome.attempts && outcome.attempts > 0
              ? 'connect'
              : 'wait';
        const reason = signal.aborted
          ? `${stopReason(signal)} after ${outcome.attempts} windows`
          : phase === 'wait'
            ? `no probe after ${outcome.attempts} windows of ${formatDuration(opts.intervalMs)} (${outcome.searches} searches)`
            : `${imapAt}: ${failure?.message ?? 'no answer'}`;
        check('imap.wait', 'fail', reason, since, { attempts: outcome.attempts });
        fail(phase, reason);
      }
    }

    // 4. Clean up: the probe by UID, and stale probes of earlier runs (also after a failed wait).
    if (!signal.aborted && trip.failure?.phase !== 'auth') {
      since = Date.now();
      progress.begin('imap.cleanup', 'deleting the probe and stale probes');
      try {
        trip.cleanup = await watcher.cleanup(probeUid, trip.tag, opts.attempts * opts.intervalMs);
        const { staleDeleted, lateArrivals, expunged } = trip.cleanup;
        const what = probeUid !== undefined ? 'deleted the probe' : 'no probe to delete';
        check(
          'imap.cleanup',
          'pass',
          `${what}, ${staleDeleted} stale, ${lateArrivals} late arrivals seen`,
          since,
        );
        if (!expunged) {
          trip.warnings.push('the IMAP server lacks UIDPLUS: probes were flagged \\Deleted but not expunged');
        }
      } catch (error) {
        const failure = classifyImapError(error, 'command');
        check('imap.cleanup', 'error', failure.message, since, {
          error: { code: failure.code, message: failure.message },
        });
        fail('cleanup', `${imapAt}: ${failure.message}`);
      }
    }
  } finally {
    await watcher.close();
  }
  return buildReport(trip, Date.now());
}
