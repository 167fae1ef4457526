import type { DnsLookup } from '../dns-client.js';
import { checkHost, type CheckHostInput, type SpfResult } from './check-host.js';
import { fetchSpf, parseTerms, type Qualifier, type Term } from './record.js';

/** A term of a domain's record, as published. */
export interface MatchStep {
  domain: string;
  term: string;
}

/** How check_host() reached its result: the includes and redirects followed, then the deciding term. */
export interface SpfMatch {
  via: MatchStep[];
  /** Absent when no term matched and the default (neutral) applied, RFC 7208 §4.7. */
  term?: MatchStep;
}

const RESULT_OF: Record<Qualifier, SpfResult> = { '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' };
const MATCHED: readonly SpfResult[] = ['pass', 'fail', 'softfail', 'neutral'];
/** Past ten includes or redirects the evaluation has hit its lookup limit (RFC 7208 §4.6.4). */
const MAX_DEPTH = 10;

const domainKey = (name: string) => name.toLowerCase().replace(/\.$/, '');
/** A literal domain to descend into; a macro target is only known inside the evaluator. */
const literal = (target: string | undefined) =>
  target && !target.includes('%') ? domainKey(target) : undefined;
const plus = (term: Term) => `+${term.text.replace(/^[-+~?]/, '')}`;

/**
 * Which term decided a check_host() result. mailauth evaluates but does not say which mechanism
 * matched, so the matching itself is left to it: each term of a record is evaluated alone, as
 * "v=spf1 +<term>" served in the record's place (through the same cached lookup, so no new DNS
 * questions), in order, until one passes; a matching include or a redirect is followed the same
 * way. Undefined for an error result, a macro include or redirect target, or when the path found
 * would not give the result mailauth gave: the report then claims nothing.
 */
export async function matchedTerm(input: CheckHostInput, result: SpfResult): Promise<SpfMatch | undefined> {
  if (!MATCHED.includes(result)) return undefined;
  const sender = input.sender || `postmaster@${input.helo}`;
  const domain = domainKey(sender.slice(sender.lastIndexOf('@') + 1));
  const match = await walk(input, domain, new Map(), 0);
  return match && decidedBy(match) === result ? match : undefined;
}

async function walk(
  input: CheckHostInput,
  domain: string,
  outer: ReadonlyMap<string, string>,
  depth: number,
): Promise<SpfMatch | undefined> {
  if (depth > MAX_DEPTH || outer.has(domain)) return undefined;
  const fetched = await fetchSpf(domain, input.lookup);
  if (fetched.kind !== 'records' || fetched.records.length !== 1) return undefined;
  const terms = parseTerms(fetched.records[0]!);
  if (terms.some((t) => t.problems.length)) return undefined;
  const matches = async (record: string) =>
    (await checkHost({ ...input, lookup: serving(input.lookup, new Map([...outer, [domain, record]])) }))
      .result === 'pass';
  // A matching include, or the redirect when nothing matched, is followed with this record in its place.
  const follow = async (step: MatchStep, target: string | undefined, record: string) => {
    if (!target) return undefined;
    const inner = await walk(input, target, new Map([...outer, [domain, record]]), depth + 1);
    return inner && { via: [step, ...inner.via], ...(inner.term ? { term: inner.term } : {}) };
  };
  for (const term of terms) {
    if (term.kind !== 'mechanism' || !(await matches(`v=spf1 ${plus(term)}`))) continue;
    const step = { domain, term: term.text };
    if (term.name !== 'include') return { via: [], term: step };
    return follow(step, literal(term.target), `v=spf1 ${plus(term)}`);
  }
  const redirect = terms.find((t) => t.kind === 'modifier' && t.name === 'redirect');
  if (redirect?.kind !== 'modifier') return { via: [] };
  return follow({ domain, term: redirect.text }, literal(redirect.value), `v=spf1 ${redirect.text}`);
}

/** The result a path gives: the qualifier of its first include or of its term; neutral when none matched. */
function decidedBy(match: SpfMatch): SpfResult {
  const include = match.via.find((s) => !s.term.startsWith('redirect='));
  const text = include?.term ?? match.term?.term;
  if (text === undefined) return 'neutral';
  return RESULT_OF[(/^[-+~?]/.exec(text)?.[0] ?? '+') as Qualifier];
}

/** The lookup with some domains' SPF record replaced: every other question goes through unchanged. */
function serving(lookup: DnsLookup, records: ReadonlyMap<string, string>): DnsLookup {
  return (name, type) => {
    const record = type.toUpperCase() === 'TXT' ? records.get(domainKey(name)) : undefined;
    return record === undefined ? lookup(name, type) : Promise.resolve([[record]]);
  };
}
