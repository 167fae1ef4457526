import { spf } from 'mailauth/lib/spf/index.js';
import type { DnsLookup } from '../dns-client.js';

export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'permerror' | 'temperror';

export interface CheckHostInput {
  ip: string;
  /** MAIL FROM; empty means the HELO identity, postmaster@<helo> (RFC 7208 §2.3). */
  sender: string;
  helo: string;
  /** The receiving host, %{r}. */
  receiver: string;
  lookup: DnsLookup;
  /** Bounds the whole evaluation: past it the result is temperror (§4.6.4). */
  maxElapsedMs?: number;
}

export interface CheckHostResult {
  result: SpfResult;
  /** Why, in mailauth's words (the matched mechanism or the error). */
  comment: string;
  /** The exp= text for a fail, when the domain publishes one. */
  explanation?: string;
  /** DNS-mechanism and void lookups this evaluation spent. */
  lookups: number;
  voidLookups: number;
}

/**
 * RFC 7208 check_host() through mailauth in strict mode, which passes the whole
 * open-spf.org suite's results. One gap closed here: an IPv6 client's %{i}/%{ir}
 * nibbles keep the hex case the client address was given in (the suite's
 * v-macro-ip6), where mailauth lower-cases them. DNS is case-insensitive, so
 * only explanation text can differ.
 */
export async function checkHost(input: CheckHostInput): Promise<CheckHostResult> {
  const outcome = await spf({
    sender: input.sender || `postmaster@${input.helo}`,
    ip: input.ip,
    helo: input.helo,
    mta: input.receiver,
    resolver: input.lookup as never,
    strict: true,
    maxResolveCount: 10,
    maxVoidCount: 2,
    ...(input.maxElapsedMs ? { maxElapsedTime: input.maxElapsedMs } : {}),
  });
  const explanation = outcome.explanation;
  return {
    result: outcome.status.result as SpfResult,
    comment: outcome.status.comment ?? '',
    ...(explanation === undefined ? {} : { explanation: keepNibbleCase(explanation, input.ip) }),
    lookups: outcome.lookups?.count ?? 0,
    voidLookups: outcome.lookups?.void ?? 0,
  };
}

/** The 32 hex digits of an IPv6 address as written (case kept), or undefined. */
function hexDigits(ip: string): string | undefined {
  if (!ip.includes(':') || ip.includes('.')) return undefined;
  const [head = '', tail] = ip.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  const all = [...left, ...Array<string>(missing).fill('0'), ...right];
  return all.map((g) => g.padStart(4, '0')).join('');
}

export function keepNibbleCase(text: string, ip: string): string {
  const digits = hexDigits(ip);
  if (!digits || digits === digits.toLowerCase()) return text;
  const forward = digits.split('');
  const reverse = [...forward].reverse();
  let out = text;
  for (const nibbles of [forward, reverse])
    out = out.replaceAll(nibbles.join('.').toLowerCase(), nibbles.join('.'));
  return out;
}
