// DNS questions to chosen servers, for spf-check and the readiness gate's dns and parity checks.
import { Resolver } from 'node:dns/promises';
import { isIPv6 } from 'node:net';

export interface ServerLookup {
  /** What the report calls this resolver: its address, or "system" for resolv.conf's. */
  name: string;
  lookup: DnsLookup;
  /** Questions really sent: each name and type once per run, however often it is asked. */
  sent: () => number;
}

const TYPES = new Set(['A', 'AAAA', 'MX', 'TXT', 'PTR', 'CNAME', 'NS', 'SOA', 'SRV', 'CAA']);

/**
 * DNS questions to one resolver (ip or ip:port, or the system's when undefined), each
 * name and type asked once per run, each with a timeout and cancelled on abort. A
 * timeout keeps node:dns's ETIMEOUT code, so the evaluation treats it as temperror.
 */
export function serverLookup(
  server: string | undefined,
  options: { timeoutMs: number; signal: AbortSignal },
): ServerLookup {
  // One try: the deadline, not the resolver library, decides how long a dead server gets.
  const resolver = new Resolver({ timeout: options.timeoutMs, tries: 1 });
  if (server) resolver.setServers([server]);
  const onAbort = () => resolver.cancel();
  options.signal.addEventListener('abort', onAbort, { once: true });
  const asked = new Map<string, Promise<unknown>>();
  const lookup: DnsLookup = (name, type) => {
    const rrtype = type.toUpperCase();
    if (!TYPES.has(rrtype)) return Promise.reject(new Error(`unsupported DNS type ${type}`));
    const key = `${rrtype} ${name.toLowerCase().replace(/\.$/, '')}`;
    let answer = asked.get(key);
    if (!answer) {
      answer = options.signal.aborted
        ? Promise.reject(Object.assign(new Error('cancelled'), { code: 'ECANCELLED' }))
        : resolver.resolve(name, rrtype);
      asked.set(key, answer);
    }
    return answer;
  };
  return { name: server ?? 'system', lookup, sent: () => asked.size };
}

/** An address and port as serverLookup takes them: ip:port, or [ipv6]:port. */
export function serverAddress(address: string, port = 53): string {
  return isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}

/** A node:dns error code as the report words it. */
export function describeDnsError(error: unknown): string {
  const code = (error as { code?: string }).code ?? '';
  const words: Record<string, string> = {
    ENOTFOUND: 'NXDOMAIN',
    ENODATA: 'no record of that type',
    ETIMEOUT: 'timed out',
    ECONNREFUSED: 'connection refused',
    EREFUSED: 'refused',
    ESERVFAIL: 'SERVFAIL',
    ECANCELLED: 'cancelled at the deadline',
    EBADNAME: 'not a valid DNS name',
  };
  return words[code] ?? (error instanceof Error ? error.message : String(error));
}

/**
 * One DNS question in node:dns's shapes (string[] for A/AAAA/PTR, {priority, exchange}[]
 * for MX, string[][] of character-strings for TXT) and error codes (ENOTFOUND and ENODATA
 * are void answers, anything else is a temporary error): the seam mailauth evaluates through.
 */
export type DnsLookup = (name: string, type: string) => Promise<unknown>;

/** One question to one server (ip or ip:port), one try within timeoutMs, cancelled on abort. */
export async function askServer(
  server: string,
  name: string,
  type: string,
  options: { timeoutMs: number; signal: AbortSignal },
): Promise<string[]> {
  return normaliseAnswers(type, await serverLookup(server, options).lookup(name, type));
}

/** Answers as sorted text, comparable across servers: SOA as its serial, TXT joined, MX "prio host". */
export function normaliseAnswers(type: string, answer: unknown): string[] {
  if (type === 'SOA') return [String((answer as { serial: number }).serial)];
  const rows = answer as unknown[];
  return rows
    .map((row) => {
      if (typeof row === 'string') return row;
      if (Array.isArray(row)) return row.join('');
      const r = row as Record<string, unknown>;
      if (type === 'MX') return `${String(r.priority)} ${String(r.exchange)}`;
      if (type === 'SRV')
        return `${String(r.priority)} ${String(r.weight)} ${String(r.port)} ${String(r.name)}`;
      if (type === 'CAA')
        return `${String(r.critical)} ${Object.keys(r).find((k) => k !== 'critical') ?? ''}`;
      return JSON.stringify(r);
    })
    .sort();
}
