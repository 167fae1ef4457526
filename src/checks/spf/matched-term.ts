import type { DnsLookup } from '../dns-client.js';
import { LOOKUP_LIMIT, VOID_LIMIT } from './analyze.js';
import { checkHost, type CheckHostInput, type SpfResult } from './check-host.js';
import { type DnsStep, traced } from './dns-trace.js';
import { fetchSpf, isVoid, parseTerms, type Qualifier, type Term } from './record.js';

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

/**
 * One term as check_host() met it: match (evaluation ends, or enters the include), no match
 * (on to the next term), error (permerror or temperror ends the evaluation) or limit (it would
 * be the 11th DNS-mechanism lookup or the 3rd void one, §4.6.4).
 */
export interface TermStep extends MatchStep {
  /** 1-based, counting the terms after v=spf1. */
  position: number;
  /** Includes and redirects entered to reach it: 0 for the sender domain's own record. */
  depth: number;
  outcome: 'match' | 'no-match' | 'error' | 'limit';
  /** Its own DNS-mechanism lookups: 1 for include, a, mx, ptr, exists and redirect, else 0. */
  lookups: number;
  /** The DNS questions it asked (for include and redirect: the target's TXT), in order. */
  questions: DnsStep[];
}

export interface TermTrace {
  steps: TermStep[];
  /** Undefined when the path found does not give the evaluator's result: the report then claims nothing. */
  match?: SpfMatch;
}

const RESULT_OF: Record<Qualifier, SpfResult> = { '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' };
const MATCHED: readonly SpfResult[] = ['pass', 'fail', 'softfail', 'neutral'];
const COSTS = new Set(['include', 'a', 'mx', 'ptr', 'exists']);
/** Past ten includes or redirects the evaluation has hit its lookup limit (RFC 7208 §4.6.4). */
const MAX_DEPTH = 10;

const domainKey = (name: string) => name.toLowerCase().replace(/\.$/, '');
/** A literal domain to descend into; a macro target is only known inside the evaluator. */
const literal = (target: string | undefined) =>
  target && !target.includes('%') ? domainKey(target) : undefined;
const plus = (term: Term) => `+${term.text.replace(/^[-+~?]/, '')}`;
const voidStep = (step: TermStep) =>
  step.questions.length > 0 &&
  step.questions.every((q) => (q.error ? isVoid({ code: q.error }) : !q.answer?.length));

/**
 * The terms check_host() evaluated, in order, and the one that decided. mailauth evaluates but
 * does not say which mechanism matched, so the matching itself is left to it: each term of a
 * record is evaluated alone, as "v=spf1 +<term>" served in the record's place (through the same
 * cached lookup, so no new DNS questions), in order, until one passes; every include is entered
 * the same way to list its terms, and the redirect when nothing matched.
 */
export async function termTrace(input: CheckHostInput, result: SpfResult): Promise<TermTrace> {
  const sender = input.sender || `postmaster@${input.helo}`;
  const walker = new Walker(input);
  const match = await walker.walk(domainKey(sender.slice(sender.lastIndexOf('@') + 1)), new Map(), 0);
  const consistent = match && MATCHED.includes(result) && decidedBy(match) === result;
  return { steps: walker.steps, ...(consistent ? { match } : {}) };
}

/** The deciding term alone (see termTrace). */
export async function matchedTerm(input: CheckHostInput, result: SpfResult): Promise<SpfMatch | undefined> {
  return MATCHED.includes(result) ? (await termTrace(input, result)).match : undefined;
}

class Walker {
  readonly steps: TermStep[] = [];
  private lookups = 0;
  private voids = 0;
  private ended = false;

  private readonly input: CheckHostInput;

  constructor(input: CheckHostInput) {
    this.input = input;
  }

  /** The terms of `domain`'s record until one matches; its match path, or undefined when it ended otherwise. */
  async walk(
    domain: string,
    outer: ReadonlyMap<string, string>,
    depth: number,
  ): Promise<SpfMatch | undefined> {
    if (depth > MAX_DEPTH || outer.has(domain)) return undefined;
    const fetched = await fetchSpf(domain, this.input.lookup);
    if (fetched.kind !== 'records' || fetched.records.length !== 1) return undefined;
    const terms = parseTerms(fetched.records[0]!);
    if (terms.some((t) => t.problems.length)) return undefined;
    for (const term of terms) {
      if (term.kind !== 'mechanism') continue;
      const record = `v=spf1 ${plus(term)}`;
      const step = await this.evaluate({ domain, term, depth }, new Map([...outer, [domain, record]]));
      if (this.ended) return undefined;
      if (term.name === 'include') {
        const target = literal(term.target);
        const inner = target && (await this.walk(target, new Map([...outer, [domain, record]]), depth + 1));
        if (this.ended) return undefined;
        if (step.outcome === 'match')
          return inner
            ? {
                via: [{ domain, term: term.text }, ...inner.via],
                ...(inner.term ? { term: inner.term } : {}),
              }
            : undefined;
      } else if (step.outcome === 'match') return { via: [], term: { domain, term: term.text } };
    }
    const redirect = terms.find((t) => t.kind === 'modifier' && t.name === 'redirect');
    if (redirect?.kind !== 'modifier') return { via: [] };
    const record = `v=spf1 ${redirect.text}`;
    await this.evaluate({ domain, term: redirect, depth }, new Map([...outer, [domain, record]]));
    const target = literal(redirect.value);
    if (this.ended || !target) return undefined;
    const inner = await this.walk(target, new Map([...outer, [domain, record]]), depth + 1);
    return (
      inner && {
        via: [{ domain, term: redirect.text }, ...inner.via],
        ...(inner.term ? { term: inner.term } : {}),
      }
    );
  }

  /** One term evaluated alone, its questions written down, the run's lookup and void budgets charged. */
  private async evaluate(
    at: { domain: string; term: Term; depth: number },
    records: ReadonlyMap<string, string>,
  ): Promise<TermStep> {
    const { domain, term, depth } = at;
    const questions: DnsStep[] = [];
    const name = term.kind === 'modifier' ? term.name : term.kind === 'mechanism' ? term.name : '';
    const costs = COSTS.has(name) || name === 'redirect' ? 1 : 0;
    const target =
      term.kind === 'modifier' ? term.value : term.kind === 'mechanism' ? term.target : undefined;
    // An include or redirect asks only for its target's TXT itself: the terms inside are steps of their own.
    const asks = name === 'include' || name === 'redirect' ? traced(this.input.lookup, questions) : undefined;
    if (asks && literal(target)) await fetchSpf(literal(target)!, asks);
    const lookup = serving(asks ? this.input.lookup : traced(this.input.lookup, questions), records);
    const { result } = await checkHost({ ...this.input, lookup });
    const step: TermStep = {
      domain,
      term: term.text,
      position: term.position,
      depth,
      outcome: result === 'pass' ? 'match' : MATCHED.includes(result) ? 'no-match' : 'error',
      lookups: costs,
      questions,
    };
    this.lookups += costs;
    if (costs && name !== 'include' && name !== 'redirect' && voidStep(step)) this.voids++;
    if (this.lookups > LOOKUP_LIMIT || this.voids > VOID_LIMIT) step.outcome = 'limit';
    if (step.outcome === 'error' || step.outcome === 'limit') this.ended = true;
    this.steps.push(step);
    return step;
  }
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
