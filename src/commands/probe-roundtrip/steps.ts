import type { RunContext } from '../../cli/command-spec.js';
import { trustedVerdicts } from '../../checks/auth-results.js';
import { headerValues } from '../../checks/headers.js';
import { stopReason } from '../../checks/deadline.js';
import { classifyImapError, imapCheck } from '../../checks/imap.js';
import { resultOf } from '../../checks/outcome.js';
import { type OutgoingProbe, SendFailure } from '../../checks/outgoing.js';
import { parseHops } from '../../checks/received.js';
import { formatDuration } from '../../config/duration.js';
import type { ReportBuilder } from '../../report/builder.js';
import type { MailboxWatcher } from './mailbox.js';
import type { ProbeOptions } from './options.js';
import type { FailurePhase, Trip } from './report.js';
import { describeSender, sendProbe } from './send.js';
import { TAG_HEADER } from './tag.js';

/** What every step of one run shares. */
export interface ProbeRun {
  opts: ProbeOptions;
  ctx: Pick<RunContext, 'signal' | 'log' | 'progress'>;
  trip: Trip;
  report: ReportBuilder;
  watcher: MailboxWatcher;
}

function fail(run: ProbeRun, phase: FailurePhase, reason: string): void {
  run.trip.failure ??= { phase, reason };
}

const imapAt = (run: ProbeRun) => `${run.opts.imap.host}:${run.opts.imap.port}`;

const mailbox = ({ opts, watcher }: ProbeRun) => ({
  kind: 'mailbox' as const,
  host: opts.imap.host,
  port: opts.imap.port,
  tls: opts.imap.tls,
  mailbox: opts.mailbox,
  ...(watcher.uidNext === undefined ? {} : { uidNext: watcher.uidNext }),
});

/**
 * Logs in and opens the mailbox. A refused login fails the run (before anything
 * is sent); a server that does not answer yet only warns, since the wait retries.
 */
export async function prepare(run: ProbeRun): Promise<void> {
  const since = Date.now();
  run.ctx.progress.begin('imap.prepare', `connecting to ${imapAt(run)}`);
  try {
    await run.watcher.connect();
    run.report.check({
      name: 'imap.prepare',
      status: 'pass',
      summary: `${run.opts.mailbox} open on ${imapAt(run)}, UIDNEXT ${run.watcher.uidNext}`,
      since,
      details: mailbox(run),
    });
  } catch (error) {
    const failure = classifyImapError(error, 'connect');
    run.report.check({
      name: 'imap.prepare',
      status: 'error',
      summary: `${failure.phase} failed: ${failure.message}`,
      since,
      details: mailbox(run),
      error: { code: failure.code, message: failure.message },
    });
    if (failure.phase === 'login') fail(run, 'auth', `${imapAt(run)}: ${failure.message}`);
    else if (run.ctx.signal.aborted) fail(run, 'connect', `${imapAt(run)}: ${failure.message}`);
    else
      run.ctx.log.warn(
        `imap not ready before the send (${failure.message}); sending anyway, the wait retries`,
      );
  }
}

/** --verify-only: the readiness gate's IMAP check (login, the mailbox opened, LOGOUT). */
export async function verifyMailbox(run: ProbeRun): Promise<void> {
  const since = Date.now();
  run.ctx.progress.begin('imap.prepare', `connecting to ${imapAt(run)}`);
  const outcome = await imapCheck(
    { endpoint: run.opts.imap, mailbox: run.opts.mailbox },
    { signal: run.ctx.signal, timeoutMs: run.opts.connectTimeoutMs },
  );
  run.report.check({ name: 'imap.prepare', since, ...resultOf(outcome) });
  if (outcome.status !== 'pass')
    fail(run, outcome.code === 'AUTH_FAILED' ? 'auth' : 'connect', outcome.summary);
}

/** Submits the probe (or, in a dry run, checks the send path); returns when it was accepted. */
export async function send(run: ProbeRun, dry: boolean): Promise<number | undefined> {
  const { opts, trip, ctx } = run;
  if (ctx.signal.aborted) {
    fail(run, 'send', `${stopReason(ctx.signal)} before the send`);
    return undefined;
  }
  const since = Date.now();
  const name = `send.${opts.sender.via}`;
  const target = describeSender(opts.sender);
  const sending = { kind: 'probe-send' as const, via: opts.sender.via, target, tag: trip.tag };
  ctx.progress.begin(name, `${dry ? 'checking' : 'submitting to'} ${target}`);
  const message: OutgoingProbe = {
    from: opts.from,
    to: opts.to,
    subject: `${trip.tag}: mail round-trip probe`,
    headers: { [TAG_HEADER]: trip.tag },
    text: 'This message checks that mail makes the round trip. mailops deletes it when it arrives.\n',
  };
  try {
    const sent = await sendProbe(opts.sender, message, {
      timeoutMs: opts.connectTimeoutMs,
      signal: ctx.signal,
      dry,
    });
    trip.submitMs = sent.durationMs;
    run.report.check({
      name,
      status: 'pass',
      summary: `accepted by ${target}: ${sent.response}`,
      since,
      details: { ...sending, response: sent.response, submitMs: sent.durationMs },
    });
    return sent.acceptedAt;
  } catch (error) {
    const failure = error instanceof SendFailure ? error : new SendFailure('ERROR', String(error));
    run.report.check({
      name,
      status: 'fail',
      summary: failure.message,
      since,
      details: sending,
      error: { code: failure.code, message: failure.message },
    });
    fail(run, 'send', `${target}: ${ctx.signal.aborted ? stopReason(ctx.signal) : failure.message}`);
    return undefined;
  }
}

/** Waits for the probe from the moment the send was accepted; returns its UID when seen. */
export async function wait(run: ProbeRun, acceptedAt: number): Promise<number | undefined> {
  const { opts, trip, ctx, watcher } = run;
  const since = Date.now();
  ctx.progress.begin('imap.wait', `waiting for ${trip.tag}`);
  const outcome = await watcher.waitFor(trip.tag, acceptedAt);
  trip.attempts = outcome.attempts;
  const found = outcome.found;
  const waited = {
    kind: 'probe-wait' as const,
    tag: trip.tag,
    windows: outcome.attempts,
    searches: outcome.searches,
    acceptedAt: new Date(acceptedAt).toISOString(),
    hops: [],
    auth: null,
  };
  if (found) {
    trip.roundtripMs = found.seenAt - acceptedAt;
    trip.hops = parseHops(headerValues(found.headers, 'received'));
    trip.auth = trustedVerdicts(headerValues(found.headers, 'authentication-results'), opts.authservId);
    run.report.check({
      name: 'imap.wait',
      status: 'pass',
      summary: `found ${trip.tag} in ${opts.mailbox} (UID ${found.uid})`,
      since,
      attempts: found.attempt,
      details: {
        ...waited,
        seenAt: new Date(found.seenAt).toISOString(),
        uid: found.uid,
        ...(found.internalDate ? { internalDate: found.internalDate.toISOString() } : {}),
        roundtripMs: trip.roundtripMs,
        hops: trip.hops.map((hop) => ({ ...hop, at: hop.at.toISOString() })),
        auth: trip.auth ?? null,
      },
    });
    return found.uid;
  }
  const failure = outcome.failure;
  // Never able to look (a silent server, a mailbox that never opens, windows shorter than the
  // connect budget) is a connect failure, not a probe that did not arrive.
  const phase: FailurePhase =
    failure?.phase === 'login' ? 'auth' : failure && outcome.searches === 0 ? 'connect' : 'wait';
  const reason = ctx.signal.aborted
    ? `${stopReason(ctx.signal)} after ${outcome.attempts} windows`
    : phase === 'wait'
      ? `no probe after ${outcome.attempts} windows of ${formatDuration(opts.intervalMs)} (${outcome.searches} searches)`
      : `${imapAt(run)}: ${failure?.message ?? 'no answer'}`;
  run.report.check({
    name: 'imap.wait',
    status: 'fail',
    summary: reason,
    since,
    attempts: outcome.attempts,
    details: waited,
  });
  fail(run, phase, reason);
  return undefined;
}

/** Deletes the probe by UID and stale probes of earlier runs (also after a failed wait). */
export async function cleanup(run: ProbeRun, probeUid: number | undefined): Promise<void> {
  const { opts, trip, ctx, watcher } = run;
  const since = Date.now();
  ctx.progress.begin('imap.cleanup', 'deleting the probe and stale probes');
  try {
    trip.cleanup = await watcher.cleanup(probeUid, trip.tag, opts.attempts * opts.intervalMs);
    const { staleDeleted, lateArrivals, expunged } = trip.cleanup;
    const what = probeUid !== undefined ? 'deleted the probe' : 'no probe to delete';
    run.report.check({
      name: 'imap.cleanup',
      status: 'pass',
      summary: `${what}, ${staleDeleted} stale, ${lateArrivals} late arrivals seen`,
      since,
      details: { kind: 'probe-cleanup', ...trip.cleanup },
    });
    if (!expunged)
      run.report.warn('the IMAP server lacks UIDPLUS: probes were flagged \\Deleted but not expunged');
  } catch (error) {
    const failure = classifyImapError(error, 'command');
    run.report.check({
      name: 'imap.cleanup',
      status: 'error',
      summary: failure.message,
      since,
      error: { code: failure.code, message: failure.message },
    });
    fail(run, 'cleanup', `${imapAt(run)}: ${failure.message}`);
  }
}
