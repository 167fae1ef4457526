import type { DnsLookup } from '../dns-client.js';
import { fetchSpf, isVoid, parseTerms, type Qualifier, type Term } from './record.js';
import { describeDnsError } from '../dns-client.js';

export const LOOKUP_LIMIT = 10;
export const VOID_LIMIT = 2;
const WARN_AT = 8;

/** One term that costs a DNS-mechanism lookup, where it sits, and what its target answered. */
export interface TermCost {
  term: string;
  /** The record it is in, outermost first: the include/redirect path. */
  path: string[];
  void: boolean;
  note?: string;
}

export interface SpfAnalysis {
  domain: string;
  /** The domain's own v=spf1 record, when it has exactly one. */
  record?: string;
  /** No usable record at the top: "none", a DNS failure, or several records. */
  problem?: { kind: 'none' | 'temporary' | 'multiple'; message: string };
  lookups: number;
  voidLookups: number;
  terms: TermCost[];
  /** Every domain reached through include: or redirect=, lower-case. */
  reachable: Set<string>;
  /** The qualifier of the "all" that ends evaluation, after redirects; undefined: none (neutral). */
  all?: Qualifier;
  errors: string[];
  warnings: string[];
}

/**
 * The linter's view of a record: every term of the include/redirect tree parsed and
 * costed, not only those a given client would reach (that is check_host's view).
 * Counting follows RFC 7208 §4.6.4: include, a, mx, ptr, exists and redirect cost one
 * each, ip4/ip6/all and exp= nothing; a target answering NXDOMAIN or no data is void.
 */
export async function analyzeSpf(domain: string, lookup: DnsLookup): Promise<SpfAnalysis> {
  const out: SpfAnalysis = {
    domain,
    lookups: 0,
    voidLookups: 0,
    terms: [],
    reachable: new Set(),
    errors: [],
    warnings: [],
  };
  const top = await fetchSpf(domain, lookup);
  if (top.kind === 'none') out.problem = { kind: 'none', message: `${domain} publishes no v=spf1 record` };
  else if (top.kind === 'error')
    out.problem = { kind: 'temporary', message: `TXT ${domain}: ${describeDnsError(top.error)}` };
  else if (top.records.length > 1)
    out.problem = {
      kind: 'multiple',
      message: `${domain} publishes ${top.records.length} v=spf1 records; exactly one is allowed (permerror)`,
    };
  else {
    out.record = top.records[0];
    out.all = await walk(out, out.record ?? '', [domain], lookup);
  }
  if (out.lookups > LOOKUP_LIMIT)
    out.errors.push(`${out.lookups} DNS lookups, over the limit of ${LOOKUP_LIMIT} (permerror)`);
  else if (out.lookups >= WARN_AT)
    out.warnings.push(
      `${out.lookups} of ${LOOKUP_LIMIT} DNS lookups used: little headroom for a provider's include to grow`,
    );
  if (out.voidLookups > VOID_LIMIT)
    out.errors.push(`${out.voidLookups} void lookups, over the limit of ${VOID_LIMIT} (permerror)`);
  return out;
}

async function walk(
  out: SpfAnalysis,
  record: string,
  path: string[],
  lookup: DnsLookup,
): Promise<Qualifier | undefined> {
  const terms = parseTerms(record);
  prefetch(terms, lookup);
  const where = path.join(' > ');
  if (/[^\x20-\x7e]/.test(record)) out.errors.push(`${where}: the record is not 7-bit ASCII (permerror)`);
  let all: Qualifier | undefined;
  let redirect: string | undefined;
  for (const term of terms) {
    if (term.kind === 'invalid') {
      out.errors.push(`${where}: "${term.text}" is not an SPF term (permerror)`);
      continue;
    }
    if (term.kind === 'modifier') {
      if (term.name === 'redirect') redirect = term.value;
      continue;
    }
    if (term.name === 'all') {
      all ??= term.qualifier;
      if (term.qualifier === '+' && path.length > 1)
        out.warnings.push(`+all reachable through ${where}: it authorises every address on the internet`);
      else if (term.qualifier === '+') out.warnings.push(`${where} ends in +all: every address passes`);
      continue;
    }
    if (term.name === 'ip4' || term.name === 'ip6') continue;
    const target = term.target ?? path.at(-1) ?? '';
    const cost: TermCost = { term: term.text, path, void: false };
    out.lookups++;
    out.terms.push(cost);
    if (term.name === 'ptr')
      out.warnings.push(`${where}: "${term.text}" uses ptr, which RFC 7208 §5.5 says not to use`);
    if (target.includes('%')) {
      cost.note = 'macro: depends on the client, not evaluated here';
      continue;
    }
    if (term.name === 'include') await descend(out, target, path, lookup, 'include');
    else if (term.name !== 'ptr') await costTarget(out, cost, term.name, target, lookup);
  }
  // RFC 7208 §6.1: redirect= is ignored when the record has an "all".
  if (redirect !== undefined && all === undefined) {
    out.lookups++;
    out.terms.push({ term: `redirect=${redirect}`, path, void: false });
    if (redirect.includes('%')) return undefined;
    return descend(out, redirect, path, lookup, 'redirect');
  }
  return all;
}

async function descend(
  out: SpfAnalysis,
  target: string,
  path: string[],
  lookup: DnsLookup,
  how: 'include' | 'redirect',
): Promise<Qualifier | undefined> {
  const domain = target.toLowerCase().replace(/\.$/, '');
  const where = `${path.join(' > ')}: ${how}:${domain}`;
  if (path.includes(domain)) {
    out.errors.push(`${where} loops back to a record already on the path`);
    return undefined;
  }
  out.reachable.add(domain);
  const fetched = await fetchSpf(domain, lookup);
  if (fetched.kind === 'error') {
    out.errors.push(`${where}: ${describeDnsError(fetched.error)} (temperror)`);
    return undefined;
  }
  if (fetched.kind === 'none' || fetched.records.length !== 1) {
    out.errors.push(
      `${where}: ${fetched.kind === 'none' ? 'no' : fetched.records.length} v=spf1 records, exactly one is needed (permerror)`,
    );
    if (fetched.kind === 'none') out.voidLookups++;
    return undefined;
  }
  return walk(out, fetched.records[0] ?? '', [...path, domain], lookup);
}

async function costTarget(
  out: SpfAnalysis,
  cost: TermCost,
  mechanism: string,
  target: string,
  lookup: DnsLookup,
): Promise<void> {
  if (target.split('.').some((label) => label.length > 63)) {
    cost.note = 'a label over 63 characters: never matches';
    return;
  }
  try {
    const answer = (await lookup(target, mechanism === 'mx' ? 'MX' : 'A')) as unknown[];
    if (mechanism === 'mx' && answer.length > 10) {
      out.errors.push(
        `${cost.path.join(' > ')}: "${cost.term}": ${answer.length} MX names, over 10 (permerror)`,
      );
    }
  } catch (error) {
    if (isVoid(error)) {
      cost.void = true;
      out.voidLookups++;
    } else cost.note = describeDnsError(error);
  }
}

/** Ask for everything a record's terms will need at once: the walk then awaits answers already on their way. */
function prefetch(terms: Term[], lookup: DnsLookup): void {
  for (const term of terms) {
    if (term.kind !== 'mechanism' || !term.target || term.target.includes('%')) continue;
    const type = term.name === 'include' ? 'TXT' : term.name === 'mx' ? 'MX' : term.name === 'ptr' ? '' : 'A';
    if (type && !term.target.split('.').some((l) => l.length > 63))
      lookup(term.target, type).catch(() => undefined);
  }
}
