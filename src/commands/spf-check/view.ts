import { hostname } from 'node:os';
import { analyzeSpf, type SpfAnalysis } from '../../checks/spf/analyze.js';
import { checkHost, type CheckHostResult } from '../../checks/spf/check-host.js';
import { matchedTerm, type SpfMatch } from '../../checks/spf/matched-term.js';
import type { DnsLookup } from '../../checks/dns-client.js';
import { serverLookup } from '../../checks/dns-client.js';
import { fetchDmarc, type DmarcView } from './dmarc.js';
import type { SpfCheckOptions } from './expectations.js';

export interface Expectation {
  /** The metric label: include:<domain>, all:-all, pass:<ip>, fail:<ip>, dmarc-policy:<p>. */
  label: string;
  met: boolean;
  /** What was found instead, when not met. */
  found?: string;
}

/** Everything one resolver says about the domain. */
export interface ResolverView {
  resolver: string;
  analysis: SpfAnalysis;
  expectations: Expectation[];
  client?: CheckHostResult & {
    ip: string;
    sender: string;
    helo: string;
    match?: SpfMatch;
    trace: DnsStep[];
  };
  dmarc?: DmarcView;
  queries: number;
  durationMs: number;
}

/** One question of check_host()'s evaluation and its answer, as data. */
export interface DnsStep {
  type: string;
  name: string;
  answer?: string[];
  error?: string;
}

/** node:dns's answer rows as text: a TXT record's strings joined, MX and others as JSON. */
const rows = (answer: unknown): string[] =>
  (answer as unknown[]).map((a) =>
    Array.isArray(a) ? a.join('') : typeof a === 'string' ? a : JSON.stringify(a),
  );

/** A lookup that also writes down every question and answer, in order: check_host's trace. */
function traced(lookup: DnsLookup, trace: DnsStep[]): DnsLookup {
  return async (name, type) => {
    try {
      const answer = await lookup(name, type);
      trace.push({ type, name, answer: rows(answer) });
      return answer;
    } catch (error) {
      trace.push({ type, name, error: (error as { code?: string }).code ?? 'error' });
      throw error;
    }
  };
}

/**
 * One resolver's view: the record analysed, check_host() for every address an
 * expectation or --ip names, DMARC. All of it goes through one cached lookup, so
 * each name and type is asked of this resolver once.
 */
export async function resolverView(
  server: string | undefined,
  opts: SpfCheckOptions,
  signal: AbortSignal,
): Promise<ResolverView> {
  const started = Date.now();
  const dns = serverLookup(server, { timeoutMs: opts.queryTimeoutMs, signal });
  const receiver = hostname();
  const input = (ip: string, lookup: DnsLookup, sender: string, helo: string) => ({
    ip,
    sender,
    helo,
    receiver,
    lookup,
    maxElapsedMs: opts.queryTimeoutMs * 4,
  });
  const check = (ip: string) => checkHost(input(ip, dns.lookup, `postmaster@${opts.domain}`, opts.domain));
  const trace: DnsStep[] = [];
  // The client's evaluation is traced; finding its matched term re-asks only what the cache holds.
  const explained = async ({ ip, sender, helo }: NonNullable<SpfCheckOptions['client']>) => {
    const result = await checkHost(input(ip, traced(dns.lookup, trace), sender, helo));
    const match = await matchedTerm(input(ip, dns.lookup, sender, helo), result.result);
    return { ...result, ...(match ? { match } : {}) };
  };
  const [analysis, passes, fails, client, dmarc] = await Promise.all([
    analyzeSpf(opts.domain, dns.lookup),
    Promise.all(opts.expect.pass.map((ip) => check(ip))),
    Promise.all(opts.expect.fail.map((ip) => check(ip))),
    opts.client ? explained(opts.client) : undefined,
    opts.dmarc ? fetchDmarc(opts.domain, dns.lookup) : undefined,
  ]);
  const expectations: Expectation[] = [
    ...opts.expect.includes.map((domain) => ({
      label: `include:${domain}`,
      met: analysis.reachable.has(domain),
      found: analysis.reachable.size
        ? `reachable: ${[...analysis.reachable].join(', ')}`
        : 'no include or redirect',
    })),
    ...(opts.expect.all
      ? [
          {
            label: `all:${opts.expect.all}`,
            met: `${analysis.all ?? ''}all` === opts.expect.all,
            found: analysis.all ? `${analysis.all}all` : 'no all (neutral)',
          },
        ]
      : []),
    ...opts.expect.pass.map((ip, i) => ({
      label: `pass:${ip}`,
      met: passes[i]?.result === 'pass',
      found: passes[i]?.result,
    })),
    ...opts.expect.fail.map((ip, i) => ({
      label: `fail:${ip}`,
      met: fails[i]?.result === 'fail',
      found: fails[i]?.result,
    })),
    ...(opts.expect.dmarcPolicy
      ? [
          {
            label: `dmarc-policy:${opts.expect.dmarcPolicy}`,
            met: dmarc?.record?.p === opts.expect.dmarcPolicy,
            found: dmarc?.record ? `p=${dmarc.record.p}` : (dmarc?.problem ?? 'no DMARC record'),
          },
        ]
      : []),
  ].map((e) =>
    e.met ? { label: e.label, met: true } : { label: e.label, met: false, found: e.found ?? 'nothing' },
  );
  return {
    resolver: dns.name,
    analysis,
    expectations,
    ...(client && opts.client
      ? {
          client: {
            ...client,
            ip: opts.client.ip,
            sender: opts.client.sender || `postmaster@${opts.client.helo}`,
            helo: opts.client.helo,
            trace,
          },
        }
      : {}),
    ...(dmarc ? { dmarc } : {}),
    queries: dns.sent(),
    durationMs: Date.now() - started,
  };
}
