import { hostname } from 'node:os';
import { analyzeSpf, type SpfAnalysis } from '../../checks/spf/analyze.js';
import { checkHost, type CheckHostResult } from '../../checks/spf/check-host.js';
import { type SpfMatch, type TermStep, termTrace } from '../../checks/spf/matched-term.js';
import { type DnsStep, traced } from '../../checks/spf/dns-trace.js';
import type { DnsLookup, ServerLookup } from '../../checks/dns-client.js';
import { fetchDmarc, type DmarcView } from './dmarc.js';
import type { SpfCheckOptions } from './expectations.js';

export interface Expectation {
  /** The metric label: include:<domain>, all:-all, pass:<ip>, fail:<ip>, dmarc-policy:<p>. */
  label: string;
  met: boolean;
  /** What was found instead, when not met. */
  found?: string;
}

/** Everything one resolver says about one domain. */
export interface ResolverView {
  domain: string;
  resolver: string;
  analysis: SpfAnalysis;
  expectations: Expectation[];
  client?: CheckHostResult & {
    ip: string;
    sender: string;
    helo: string;
    match?: SpfMatch;
    /** The terms evaluated, in order, each with its outcome, lookups and questions. */
    terms: TermStep[];
    trace: DnsStep[];
  };
  dmarc?: DmarcView;
  durationMs: number;
}

const receiver = hostname();

/**
 * One resolver's view of a domain: the record analysed, check_host() for every address an
 * expectation or --ip names, DMARC. All of it goes through the resolver's one cached lookup,
 * shared by every domain of the run, so each name and type is asked of it once.
 */
export async function resolverView(
  domain: string,
  dns: ServerLookup,
  opts: SpfCheckOptions,
): Promise<ResolverView> {
  const started = Date.now();
  const input = (ip: string, lookup: DnsLookup, sender: string, helo: string) => ({
    ip,
    sender,
    helo,
    receiver,
    lookup,
    maxElapsedMs: opts.queryTimeoutMs * 4,
  });
  const check = (ip: string) => checkHost(input(ip, dns.lookup, `postmaster@${domain}`, domain));
  const trace: DnsStep[] = [];
  // The client's evaluation is traced; its terms, evaluated one by one, re-ask only what the cache holds.
  const explained = async (ip: string, sender: string, helo: string) => {
    const result = await checkHost(input(ip, traced(dns.lookup, trace), sender, helo));
    const { steps, match } = await termTrace(input(ip, dns.lookup, sender, helo), result.result);
    // An empty MAIL FROM is the null sender: check_host() then checks postmaster@<helo> (§2.4).
    return {
      ...result,
      ip,
      sender: sender || `postmaster@${helo}`,
      helo,
      ...(match ? { match } : {}),
      terms: steps,
      trace,
    };
  };
  const client = opts.client;
  const [analysis, passes, fails, explainedClient, dmarc] = await Promise.all([
    analyzeSpf(domain, dns.lookup),
    Promise.all(opts.expect.pass.map((ip) => check(ip))),
    Promise.all(opts.expect.fail.map((ip) => check(ip))),
    client ? explained(client.ip, client.sender ?? `postmaster@${domain}`, client.helo ?? domain) : undefined,
    opts.dmarc ? fetchDmarc(domain, dns.lookup) : undefined,
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
    domain,
    resolver: dns.name,
    analysis,
    expectations,
    ...(explainedClient ? { client: explainedClient } : {}),
    ...(dmarc ? { dmarc } : {}),
    durationMs: Date.now() - started,
  };
}
