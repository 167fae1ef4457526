import type { ImapFlow } from 'imapflow';
import { sleep } from '../../checks/deadline.js';
import { parseHeaders } from '../../checks/headers.js';
import {
  classifyImapError,
  deleteByUid,
  type ImapFailure,
  imapCommand,
  logout,
  openMailbox,
} from '../../checks/imap.js';
import type { Logger } from '../../output/log.js';
import type { Progress } from '../../output/progress.js';
import type { ProbeOptions } from './options.js';
import { findTag, TAG_HEADER, TAG_PREFIX, tagTime } from './tag.js';

export interface FoundProbe {
  uid: number;
  seenAt: number;
  headers: [string, string][];
  internalDate: Date | undefined;
  /** The wait window it was found in, 1-based. */
  attempt: number;
}

export interface WaitOutcome {
  found?: FoundProbe;
  attempts: number;
  searches: number;
  /** The last IMAP failure, if any attempt failed. */
  failure?: ImapFailure;
}

export interface CleanupOutcome {
  probeDeleted: boolean;
  staleDeleted: number;
  lateArrivals: number;
  /** False when the server lacks UIDPLUS: messages were flagged \Deleted but not expunged. */
  expunged: boolean;
}

/**
 * One IMAP session that survives across wait windows and reconnects when it
 * drops. IDLE wakes it as soon as the server announces new mail; the window
 * timer is the safety net for servers or connections where IDLE stays silent.
 */
export class MailboxWatcher {
  private client: ImapFlow | undefined;
  /** UIDNEXT before the send: only newer messages can be the probe. */
  uidNext: number | undefined;
  private wake: (() => void) | undefined;
  /** Set by EXISTS; an announcement that lands between a search and the next IDLE must not be lost. */
  private newMail = false;

  private readonly opts: ProbeOptions;
  private readonly signal: AbortSignal;
  private readonly log: Logger;
  private readonly progress: Progress;

  constructor(opts: ProbeOptions, signal: AbortSignal, log: Logger, progress: Progress) {
    this.opts = opts;
    this.signal = signal;
    this.log = log;
    this.progress = progress;
  }

  /** Connects, logs in and opens the mailbox; throws ImapFailure. */
  async connect(): Promise<void> {
    const { client, uidNext } = await openMailbox(this.opts.imap, this.opts.mailbox, {
      timeoutMs: this.opts.connectTimeoutMs,
      signal: this.signal,
    });
    client.on('exists', () => {
      this.newMail = true;
      this.wake?.();
    });
    client.on('close', () => {
      if (this.client === client) this.client = undefined;
      this.wake?.();
    });
    this.client = client;
    this.uidNext ??= uidNext;
  }

  /** Waits for the probe through at most opts.attempts windows of opts.intervalMs. */
  async waitFor(tag: string, startedAt: number): Promise<WaitOutcome> {
    const { attempts, intervalMs } = this.opts;
    const outcome: WaitOutcome = { attempts: 0, searches: 0 };
    for (let attempt = 1; attempt <= attempts && !this.signal.aborted; attempt++) {
      outcome.attempts = attempt;
      const windowEnd = startedAt + attempt * intervalMs;
      this.progress.update('imap.wait', `window ${attempt} of ${attempts}, ${outcome.searches} searches`);
      while (Date.now() < windowEnd && !this.signal.aborted) {
        if (!this.client) {
          try {
            await this.connect();
          } catch (error) {
            const failure = classifyImapError(error, 'connect');
            outcome.failure = failure;
            this.log.warn(`imap attempt ${attempt}/${attempts}: ${failure.phase} failed: ${failure.message}`);
            // A refused login will not heal within the window; a timeout might.
            if (failure.phase === 'login') return outcome;
            break;
          }
        }
        try {
          this.newMail = false;
          outcome.searches++;
          const found = await this.search(tag);
          if (found) {
            outcome.found = { ...found, attempt };
            return outcome;
          }
        } catch (error) {
          outcome.failure = classifyImapError(error, 'command');
          this.log.warn(`imap attempt ${attempt}/${attempts}: search failed: ${outcome.failure.message}`);
          this.drop();
          break;
        }
        await this.idleUntil(windowEnd);
      }
      await sleep(windowEnd - Date.now(), this.signal);
    }
    return outcome;
  }

  private async search(tag: string): Promise<Omit<FoundProbe, 'attempt'> | undefined> {
    const client = this.client;
    if (!client) return undefined;
    const timeout = this.opts.connectTimeoutMs;
    const range = this.uidNext ? { uid: `${this.uidNext}:*` } : {};
    // The subject carries the tag too: some relays (SES emulators, list managers) drop custom headers.
    // Both searches are substring matches on the server: candidates are confirmed exactly below.
    const uids = await imapCommand(client, 'search', timeout, () =>
      client.search({ or: [{ header: { [TAG_HEADER]: tag } }, { subject: tag }], ...range }, { uid: true }),
    );
    if (!uids || uids.length === 0) return undefined;
    const seenAt = Date.now();
    for (const uid of uids) {
      const message = await imapCommand(client, 'fetch', timeout, () =>
        client.fetchOne(String(uid), { uid: true, headers: true, internalDate: true }, { uid: true }),
      );
      if (!message || !message.headers) continue;
      const headers = parseHeaders(message.headers.toString('utf8'));
      const exact = headers.some(
        ([name, value]) =>
          (name === TAG_HEADER.toLowerCase() && value === tag) ||
          (name === 'subject' && findTag(value) === tag),
      );
      if (!exact) continue;
      const internalDate = message.internalDate ? new Date(message.internalDate) : undefined;
      return { uid, seenAt, headers, internalDate };
    }
    return undefined;
  }

  /** IDLE until the server announces mail, the connection drops, the window ends or the run is aborted. */
  private async idleUntil(windowEnd: number): Promise<void> {
    const client = this.client;
    const remaining = windowEnd - Date.now();
    if (!client || remaining <= 0 || this.newMail) return;
    const woken = new Promise<void>((resolve) => (this.wake = resolve));
    client.idle().catch(() => undefined);
    // Cancel the timer once woken: a pending timer would keep the process alive after the run.
    const done = new AbortController();
    await Promise.race([woken, sleep(remaining, AbortSignal.any([this.signal, done.signal]))]);
    done.abort();
    this.wake = undefined;
  }

  /** Deletes the probe and earlier probes older than stale-after; counts late arrivals. */
  async cleanup(probeUid: number | undefined, currentTag: string, windowMs: number): Promise<CleanupOutcome> {
    if (!this.client) await this.connect();
    const client = this.client;
    if (!client) throw new Error('imap connection lost');
    const timeout = this.opts.connectTimeoutMs;
    const candidates = await imapCommand(client, 'search stale', timeout, () =>
      client.search(
        { or: [{ header: { [TAG_HEADER]: TAG_PREFIX } }, { subject: TAG_PREFIX }] },
        { uid: true },
      ),
    );
    const now = Date.now();
    const stale: number[] = [];
    let lateArrivals = 0;
    const others = (candidates || []).filter((uid) => uid !== probeUid);
    if (others.length > 0) {
      const messages = await imapCommand(client, 'fetch stale', timeout, () =>
        client.fetchAll(
          others.join(','),
          { uid: true, headers: [TAG_HEADER, 'subject'], internalDate: true },
          { uid: true },
        ),
      );
      for (const message of messages) {
        const headers = parseHeaders(message.headers?.toString('utf8') ?? '');
        const tag = headers.map(([, value]) => findTag(value)).find((t) => t !== undefined);
        const sentAt = tag ? tagTime(tag) : undefined;
        if (!tag || sentAt === undefined || tag === currentTag) continue;
        const arrived = message.internalDate ? new Date(message.internalDate).getTime() : undefined;
        if (arrived !== undefined && arrived - sentAt > windowMs) lateArrivals++;
        if (now - sentAt > this.opts.staleAfterMs) stale.push(message.uid);
      }
    }
    const doomed = [...(probeUid !== undefined ? [probeUid] : []), ...stale];
    const { expunged } = await deleteByUid(client, doomed, timeout, this.signal);
    return { probeDeleted: probeUid !== undefined, staleDeleted: stale.length, lateArrivals, expunged };
  }

  private drop(): void {
    this.client?.close();
    this.client = undefined;
  }

  /** Logs out politely (briefly: a goodbye), else drops the connection. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await logout(client, this.opts.connectTimeoutMs);
  }
}
