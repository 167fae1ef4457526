import { durationText } from '../config/duration.js';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { type CheckContext, errored, failed, type Outcome, passed } from './outcome.js';
import { plainTextReply, type TlsFix, watchForTls } from './tls-mismatch.js';
import { serverName, verification } from './tls-options.js';

export interface BannerTarget {
  host: string;
  port: number;
  /** Implicit TLS (465, 993, 995) before the banner. */
  tls: boolean;
  ca?: string;
  insecure: boolean;
  /** What to tell the operator when the server disagrees on TLS. */
  tlsFix: TlsFix;
}

/** The banner, or why none came; tlsMismatch: the server disagrees on TLS, which no retry fixes. */
export type BannerResult = { line: string } | { error: string; tlsMismatch?: true };

/**
 * The first line a server sends (SMTP 220, IMAP * OK, POP3 +OK), or why none came:
 * refused, closed (a load balancer with no live backend closes at once), or silent
 * past timeoutMs. The socket is closed either way.
 */
export function readBanner(
  target: BannerTarget,
  options: { timeoutMs: number; signal?: AbortSignal | undefined; localAddress?: string | undefined },
): Promise<BannerResult> {
  return new Promise((resolve) => {
    const socket = target.tls
      ? tlsConnect({
          host: target.host,
          port: target.port,
          servername: serverName(target.host),
          ...verification(target),
          ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        })
      : netConnect({
          host: target.host,
          port: target.port,
          ...(options.localAddress ? { localAddress: options.localAddress } : {}),
        });
    let buffer = '';
    // A plain connection to a server that speaks TLS from the start would wait the whole budget.
    const unwatch = target.tls
      ? () => undefined
      : watchForTls(
          target,
          () => socket.bytesRead,
          target.tlsFix,
          (error) => finish({ error: error.message, tlsMismatch: true }),
        );
    const finish = (result: BannerResult) => {
      unwatch();
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ error: `no banner within ${durationText(options.timeoutMs)}` }),
      options.timeoutMs,
    );
    const onAbort = () => finish({ error: 'stopped at the deadline' });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end >= 0) finish({ line: buffer.slice(0, end).replace(/\r$/, '') });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const mismatch = plainTextReply(error, target.tlsFix);
      finish(
        mismatch ? { error: mismatch.message, tlsMismatch: true } : { error: error.code ?? error.message },
      );
    });
    socket.once('close', () => finish({ error: 'closed before a banner' }));
  });
}

/** The first line each protocol's server sends when it is ready. */
export const GREETINGS = {
  smtp: /^220[ -]/,
  imap: /^\* (OK|PREAUTH)\b/i,
  pop3: /^\+OK\b/,
  sieve: /^("IMPLEMENTATION"|OK\b)/i,
} as const;

export interface BannerOptions extends BannerTarget {
  /** What is expected to answer: smtp, imaps, sieve ... */
  protocol: string;
  /** Its ready greeting; absent: any line. */
  expect?: RegExp;
}

/**
 * The server greets as its protocol does. No greeting (refused, closed, silent, a TLS mismatch)
 * is an error; another greeting a failure.
 */
export async function bannerCheck(
  options: BannerOptions,
  ctx: CheckContext & { localAddress?: string },
): Promise<Outcome> {
  const banner = await readBanner(options, ctx);
  const { host, port, protocol, tls } = options;
  const details = {
    kind: 'banner' as const,
    host,
    port,
    protocol,
    tls,
    ...('line' in banner ? { line: banner.line } : { error: banner.error }),
  };
  if ('error' in banner)
    return errored(`${host}:${port}: ${banner.error}`, {
      details,
      ...(banner.tlsMismatch ? { terminal: true, code: 'TLS_MISMATCH' } : {}),
    });
  return !options.expect || options.expect.test(banner.line)
    ? passed(banner.line, { details })
    : failed(`expected a ${protocol} banner, got: ${banner.line}`, { details });
}
