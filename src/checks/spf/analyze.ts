import type { DnsLookup } from '../dns-client.js';
import {
  type AnswerSize,
  fetchSpf,
  isVoid,
  parseTerms,
  type Qualifier,
  type RecordIssue,
  recordIssues,
  type Term,
} from './record.js';
import { describeDnsError } from '../dns-client.js';

export const LOOKUP_LIMIT = 10;
export const VOID_LIMIT = 2;
const WARN_AT = 8;

/** One term that costs a DNS-mechanism lookup, where it sits, and what its target answered. */
export interface TermCost {
  term: string;
  /** The record it is in, outermost first: the include/redirect path. */
  path: string[];
  /** Its target answered nothing (NXDOMAIN or no record of the type asked): a void lookup. */
  void: boolean;
  /** Void only for clients of one family: an `a` target with A but no AAAA records, or the reverse. */
  voidFamily?: Family;
  note?: string;
}

export type Family = 'ipv4' | 'ipv6';

export interface SpfAnalysis {
  domain: string;
  /** The domain's own v=spf1 record, when it has exactly one. */
  record?: string;
  /** No usable record at the top: "none", a DNS failure, or several records. */
  problem?: { kind: 'none' | 'temporary' | 'multiple'; message: string };
  lookups: number;
  /** Void lookups every client spends (RFC 7208 §4.6.4: over 2 is permerror). */
  voidLookups: number;
  /** Void lookups an IPv4 and an IPv6 client would spend: `a` asks A of one, AAAA of the other. */
  voidByFamily: Record<Family, number>;
  terms: TermCost[];
  /** Every domain reached through include: or redirect=, lower-case. */
  reachable: Set<string>;
  /** The qualifier of the "all" that ends evaluation, after redirects; undefined: none (neutral). */
  all?: Qualifier;
  /** Every grammar rule a record of the tree breaks (error) or a term that never takes effect (warning). */
  syntax: SyntaxIssue[];
  errors: string[];
  warnings: string[];
}

export interface SyntaxIssue extends RecordIssue {
  /** The record it is in, outermost first. */
  path: string[];
  severity: 'error' | 'warning';
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
    voidByFamily: { ipv4: 0, ipv6: 0 },
    terms: [],
    reachable: new Set(),
    syntax: [],
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
    sizeWarnings(out, domain, top.size);
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
  else
    for (const family of ['ipv4', 'ipv6'] as const)
      if (out.voidByFamily[family] > VOID_LIMIT)
        out.warnings.push(
          `${out.voidByFamily[family]} void lookups for ${family === 'ipv4' ? 'IPv4' : 'IPv6'} clients (a names without ${family === 'ipv4' ? 'A' : 'AAAA'} records): permerror at receivers that count them, such as pyspf; mailauth counts only names with neither`,
        );
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
  const { problems, warnings } = recordIssues(terms);
  for (const issue of problems) {
    out.syntax.push({ ...issue, path, severity: 'error' });
    out.errors.push(`${where}: term ${issue.position} "${issue.term}": ${issue.message} (permerror)`);
  }
  for (const issue of warnings) {
    out.syntax.push({ ...issue, path, severity: 'warning' });
    out.warnings.push(`${where}: term ${issue.position} "${issue.term}": ${issue.message}`);
  }
  // A record that breaks the grammar is permerror before any term is looked at (RFC 7208 §4.6):
  // following its includes or redirect would only add DNS noise to that verdict.
  if (problems.length) return undefined;
  let all: Qualifier | undefined;
  let redirect: string | undefined;
  for (const term of terms) {
    if (term.kind === 'invalid') continue;
    if (term.kind === 'modifier') {
      if (term.name === 'redirect') redirect ??= term.value;
      continue;
    }
    if (term.name === 'all') {
      all = term.qualifier;
      if (term.qualifier === '+' && path.length > 1)
        out.warnings.push(`+all reachable through ${where}: it authorises every address on the internet`);
      else if (term.qualifier === '+') out.warnings.push(`${where} ends in +all: every address passes`);
      // Evaluation ends here for every client: what follows costs nothing (a warning says so).
      break;
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
    // Void only when the name has no TXT record at all: other TXT records are an answer.
    if (fetched.kind === 'none' && fetched.void) countVoid(out, undefined);
    return undefined;
  }
  sizeWarnings(out, `${path.join(' > ')} > ${domain}`, fetched.size);
  return walk(out, fetched.records[0] ?? '', [...path, domain], lookup);
}

/** What a mechanism's target asks: A and AAAA for `a` (an IPv4 client asks one, an IPv6 client the other). */
const QUESTIONS: Record<string, readonly string[]> = { a: ['A', 'AAAA'], mx: ['MX'], exists: ['A'] };

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
  const types = QUESTIONS[mechanism] ?? [];
  // How many answers each question got: 0 for a void one; a failure other than void is kept.
  const answers = await Promise.all(
    types.map((type) =>
      lookup(target, type).then(
        (answer): { count: number; error?: unknown } => ({ count: (answer as unknown[]).length }),
        (error: unknown) => (isVoid(error) ? { count: 0 } : { count: 0, error }),
      ),
    ),
  );
  const failed = answers.find((a) => a.error !== undefined);
  if (failed) {
    cost.note = describeDnsError(failed.error);
    return;
  }
  const empty = answers.map((a) => a.count === 0);
  const names = answers[0]?.count ?? 0;
  if (mechanism === 'mx' && names > 10)
    out.errors.push(`${cost.path.join(' > ')}: "${cost.term}": ${names} MX names, over 10 (permerror)`);
  if (empty.every(Boolean)) {
    cost.void = true;
    countVoid(out, undefined);
  } else if (mechanism === 'a' && empty.some(Boolean)) {
    cost.voidFamily = empty[0] ? 'ipv4' : 'ipv6';
    countVoid(out, cost.voidFamily);
  }
}

/** A void lookup for every client, or for the clients of one family. */
function countVoid(out: SpfAnalysis, family: Family | undefined): void {
  if (family === undefined) out.voidLookups++;
  if (family !== 'ipv6') out.voidByFamily.ipv4++;
  if (family !== 'ipv4') out.voidByFamily.ipv6++;
}

/** RFC 7208 §3.4: the answer should fit one 512-octet UDP datagram; from 450 octets of text it may not. */
function sizeWarnings(out: SpfAnalysis, where: string, size: AnswerSize): void {
  if (size.messageOctets > 512)
    out.warnings.push(
      `${where}: the TXT answer is ${size.messageOctets} octets, over 512: resolvers without EDNS0 retry over TCP (RFC 7208 §3.4)`,
    );
  else if (size.textOctets >= 450)
    out.warnings.push(
      `${where}: name and TXT text are ${size.textOctets} octets: from 450 the answer may not fit one UDP datagram (RFC 7208 §3.4)`,
    );
}

/** Ask for everything a record's terms will need at once: the walk then awaits answers already on their way. */
function prefetch(terms: Term[], lookup: DnsLookup): void {
  for (const term of terms) {
    if (term.kind !== 'mechanism' || !term.target || term.target.includes('%')) continue;
    const types = term.name === 'include' ? ['TXT'] : (QUESTIONS[term.name] ?? []);
    if (term.target.split('.').some((l) => l.length > 63)) continue;
    for (const type of types) lookup(term.target, type).catch(() => undefined);
  }
}
