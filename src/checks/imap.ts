import type { ImapFlow } from 'imapflow';
import { bannerCheck, GREETINGS } from './banner.js';
import { goodbye, StepTimeoutError, withDeadline } from './deadline.js';
import { type CheckContext, describeError, errored, failed, type Outcome, passed } from './outcome.js';
import { plainTextReply, type TlsFix, watchForTls } from './tls-mismatch.js';
import { verification } from './tls-options.js';

export type TlsMode = 'implicit' | 'starttls' | 'none';

export interface ImapEndpoint {
  host: string;
  port: number;
  tls: TlsMode;
  user: string;
  password: string;
  /** PEM of the CAs to trust instead of the system store. */
  ca?: string;
  /** Skip certificate verification: only when the operator asks with --insecure. */
  insecure: boolean;
  /** What to tell the operator when the server disagrees on TLS. */
  tlsFix: TlsFix;
}

export type ImapPhase = 'connect' | 'login' | 'command';

/** Why an IMAP step failed, by phase: connect (TCP, TLS, greeting), login, or a command. */
export class ImapFailure extends Error {
  readonly phase: ImapPhase;
  readonly code: string;
  constructor(phase: ImapPhase, code: string, message: string) {
    super(message);
    this.name = 'ImapFailure';
    this.phase = phase;
    // imapflow passes codes of more than one type on: the report's is text.
    this.code = String(code);
  }
}

const TLS_CODE = /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|ERR_OSSL)/;

/** Maps whatever imapflow or the socket threw to a phase and a short reason. */
export function classifyImapError(error: unknown, during: ImapPhase): ImapFailure {
  if (error instanceof ImapFailure) return error;
  if (error instanceof StepTimeoutError) return new ImapFailure(during, 'TIMEOUT', error.message);
  const e = error as {
    code?: string;
    authenticationFailed?: boolean;
    responseText?: string;
    message?: string;
  };
  if (e.authenticationFailed) {
    return new ImapFailure(
      'login',
      'AUTH_FAILED',
      `login refused${e.responseText ? `: ${e.responseText}` : ''}`,
    );
  }
  const code = e.code ?? 'ERROR';
  const message = e.message ?? String(error);
  if (TLS_CODE.test(code)) return new ImapFailure('connect', 'TLS', `TLS: ${message}`);
  if (/TIMEOUT/i.test(code)) return new ImapFailure('connect', 'TIMEOUT', message);
  return new ImapFailure(during, code, message);
}

/**
 * Connects, logs in and opens a mailbox, every step under timeoutMs. On expiry
 * the socket is closed (not logged out: logout can hang after a failed
 * connect), so a server that accepts TCP and never greets costs one budget.
 */
export async function openMailbox(
  endpoint: ImapEndpoint,
  mailbox: string,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<{ client: ImapFlow; uidNext: number }> {
  const { ImapFlow } = await import('imapflow');
  const client = new ImapFlow({
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.tls === 'implicit',
    doSTARTTLS: endpoint.tls === 'starttls' ? true : endpoint.tls === 'none' ? false : undefined,
    auth: { user: endpoint.user, pass: endpoint.password },
    tls: verification(endpoint),
    logger: false,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    disableAutoIdle: true,
  });
  // imapflow emits 'error' on socket failures; unhandled it would crash the process.
  client.on('error', () => undefined);
  const close = () => client.close();
  // imapflow's connect() may never settle when the server hangs up before greeting: fail at once instead.
  const hungUp = new Promise<never>((_, reject) =>
    client.once('close', () =>
      reject(new ImapFailure('connect', 'CLOSED', 'connection closed by the server before login')),
    ),
  );
  hungUp.catch(() => undefined);
  // A plain connection to a server that speaks TLS from the start would wait the whole budget.
  let mismatch: (error: Error) => void = () => undefined;
  const wrongTls = new Promise<never>((_, reject) => (mismatch = reject));
  wrongTls.catch(() => undefined);
  const socket = () => (client as unknown as { socket?: { bytesRead: number } }).socket;
  const unwatch =
    endpoint.tls === 'implicit'
      ? () => undefined
      : watchForTls(
          endpoint,
          () => socket()?.bytesRead ?? 0,
          endpoint.tlsFix,
          (error) => mismatch(error),
        );
  try {
    await withDeadline('connect', options.timeoutMs, Promise.race([client.connect(), hungUp, wrongTls]), {
      signal: options.signal,
      onExpire: close,
    });
  } catch (error) {
    close();
    throw classifyImapError(plainTextReply(error, endpoint.tlsFix) ?? error, 'connect');
  } finally {
    unwatch();
  }
  try {
    const opened = await withDeadline(`open ${mailbox}`, options.timeoutMs, client.mailboxOpen(mailbox), {
      signal: options.signal,
      onExpire: close,
    });
    return { client, uidNext: opened.uidNext };
  } catch (error) {
    close();
    throw classifyImapError(error, 'command');
  }
}

/** Runs one IMAP command under its own deadline; on expiry the connection is dropped. */
export async function imapCommand<T>(
  client: ImapFlow,
  step: string,
  timeoutMs: number,
  work: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  try {
    return await withDeadline(step, timeoutMs, work(), { signal, onExpire: () => client.close() });
  } catch (error) {
    throw classifyImapError(error, 'command');
  }
}

/** Deletes messages by UID only: UID EXPUNGE where UIDPLUS exists, else flags them and says so. */
export async function deleteByUid(
  client: ImapFlow,
  uids: number[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ expunged: boolean }> {
  if (uids.length === 0) return { expunged: true };
  const range = uids.join(',');
  if (client.capabilities.has('UIDPLUS')) {
    await imapCommand(
      client,
      'uid expunge',
      timeoutMs,
      () => client.messageDelete(range, { uid: true }),
      signal,
    );
    return { expunged: true };
  }
  // A plain EXPUNGE would also purge mail that someone else flagged \Deleted.
  await imapCommand(
    client,
    'store \\Deleted',
    timeoutMs,
    () => client.messageFlagsAdd(range, ['\\Deleted'], { uid: true }),
    signal,
  );
  return { expunged: false };
}

/** LOGOUT, waited for briefly (goodbye): the session's work is done either way. */
export function logout(client: ImapFlow, timeoutMs: number): Promise<void> {
  return goodbye('logout', client.logout(), () => client.close(), timeoutMs);
}

export interface ImapCheckOptions {
  /** Without a user, only the greeting is checked. */
  endpoint: Omit<ImapEndpoint, 'user' | 'password'> & { user?: string; password?: string };
  mailbox: string;
}

/**
 * The greeting; with a user, a login and the mailbox opened (imapflow), then LOGOUT. A refused
 * login is a failure (the server answered); no answer, an error; a TLS mismatch, terminal.
 */
export async function imapCheck(options: ImapCheckOptions, ctx: CheckContext): Promise<Outcome> {
  const { endpoint, mailbox } = options;
  if (!endpoint.user)
    return bannerCheck(
      { ...endpoint, tls: endpoint.tls === 'implicit', protocol: 'imap', expect: GREETINGS.imap },
      ctx,
    );
  const details = {
    kind: 'mailbox' as const,
    host: endpoint.host,
    port: endpoint.port,
    tls: endpoint.tls,
    mailbox,
  };
  try {
    const { client, uidNext } = await openMailbox(
      { ...endpoint, user: endpoint.user, password: endpoint.password ?? '' },
      mailbox,
      ctx,
    );
    await logout(client, ctx.timeoutMs);
    return passed(`logged in as ${endpoint.user}, ${mailbox} opened`, { details: { ...details, uidNext } });
  } catch (error) {
    const failure = classifyImapError(error, 'connect');
    const summary = `${endpoint.host}:${endpoint.port}: ${describeError(failure)}`;
    const extra = { details, code: failure.code, terminal: failure.code === 'TLS_MISMATCH' };
    return failure.phase === 'login' ? failed(summary, extra) : errored(summary, extra);
  }
}
