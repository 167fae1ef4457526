import type { DnsLookup } from '../dns-client.js';
import { parseTerm, type SyntaxRule, type Term } from './grammar.js';

export type Fetched =
  | { kind: 'records'; records: string[]; size: AnswerSize }
  /** void: the name has no TXT record at all (NXDOMAIN or no data), which RFC 7208 §4.6.4 counts. */
  | { kind: 'none'; void: boolean }
  | { kind: 'error'; error: unknown };

/** How big a name's TXT answer is, for RFC 7208 §3.4's advice that it fit one UDP datagram. */
export interface AnswerSize {
  /** The DNS response, as RFC 1035 lays it out without EDNS0: header, question, each record. */
  messageOctets: number;
  /** §3.4's measure: the name plus the text of every TXT record at it. */
  textOctets: number;
}

const VOID = new Set(['ENOTFOUND', 'ENODATA']);
export const isVoid = (error: unknown) => VOID.has((error as { code?: string }).code ?? '');

/** The v=spf1 records among a name's TXT records, each joined from its character-strings (RFC 7208 §3.3, §4.5). */
export async function fetchSpf(domain: string, lookup: DnsLookup): Promise<Fetched> {
  try {
    const txt = (await lookup(domain, 'TXT')) as string[][];
    const joined = txt.map((chunks) => chunks.join(''));
    const records = joined.filter((r) => /^v=spf1( |$)/i.test(r));
    return records.length
      ? { kind: 'records', records, size: answerSize(domain, txt) }
      : { kind: 'none', void: txt.length === 0 };
  } catch (error) {
    return isVoid(error) ? { kind: 'none', void: true } : { kind: 'error', error };
  }
}

function answerSize(domain: string, txt: readonly string[][]): AnswerSize {
  const octets = (text: string) => Buffer.byteLength(text, 'utf8');
  const labels = domain.replace(/\.$/, '').split('.');
  const question = labels.reduce((n, label) => n + 1 + octets(label), 1) + 4;
  // Each answer: a 2-octet pointer to the question's name, type, class, TTL, length, then the strings.
  const answers = txt.reduce((sum, strings) => sum + 12 + strings.reduce((n, s) => n + 1 + octets(s), 0), 0);
  const text = txt.reduce((sum, strings) => sum + strings.reduce((n, s) => n + octets(s), 0), 0);
  return { messageOctets: 12 + question + answers, textOctets: octets(domain) + text };
}

export type { Qualifier, SyntaxProblem, Term } from './grammar.js';

/** The terms after "v=spf1", each parsed and checked against RFC 7208 §12; spaces may repeat. */
export function parseTerms(record: string): Term[] {
  return record
    .split(' ')
    .slice(1)
    .filter(Boolean)
    .map((text, i) => parseTerm(text, i + 1));
}

/** What is legal but never takes effect, or not at every receiver. */
export const RECORD_WARNINGS = ['after-all', 'redirect-ignored', 'modifier-repeated'] as const;
export type RecordWarning = (typeof RECORD_WARNINGS)[number];

/** A rule a record breaks, at one of its terms. */
export interface RecordIssue {
  term: string;
  position: number;
  rule: SyntaxRule | RecordWarning;
  message: string;
}

/**
 * Every rule the record's terms break (each makes check_host() permerror for any client, §4.6),
 * and what is legal but never takes effect: terms after "all", a redirect= beside an "all".
 */
export function recordIssues(terms: readonly Term[]): { problems: RecordIssue[]; warnings: RecordIssue[] } {
  const at = (term: Term) => ({ term: term.text, position: term.position });
  const problems: RecordIssue[] = terms.flatMap((term) => term.problems.map((p) => ({ ...at(term), ...p })));
  for (const name of ['redirect', 'exp']) {
    const repeats = terms.filter((t) => t.kind === 'modifier' && t.name === name).slice(1);
    for (const term of repeats)
      problems.push({ ...at(term), rule: 'modifier-twice', message: `${name}= may appear at most once` });
  }
  const warnings: RecordIssue[] = [];
  const seen = new Set<string>();
  for (const term of terms) {
    if (term.kind !== 'modifier' || term.name === 'redirect' || term.name === 'exp') continue;
    if (seen.has(term.name))
      warnings.push({
        ...at(term),
        rule: 'modifier-repeated',
        message: `${term.name}= again: RFC 7208 §6 ignores it, but pyspf-based receivers (postfix-policyd-spf-python) return permerror`,
      });
    seen.add(term.name);
  }
  const all = terms.find((t) => t.kind === 'mechanism' && t.name === 'all');
  if (all) {
    const unreached = terms.filter((t) => t.kind === 'mechanism' && t.position > all.position);
    for (const term of unreached)
      warnings.push({
        ...at(term),
        rule: 'after-all',
        message: `never reached: "${all.text}" (term ${all.position}) ends evaluation`,
      });
    const redirect = terms.find((t) => t.kind === 'modifier' && t.name === 'redirect');
    if (redirect)
      warnings.push({
        ...at(redirect),
        rule: 'redirect-ignored',
        message: `ignored: the record has "${all.text}" (RFC 7208 §6.1)`,
      });
  }
  return { problems, warnings };
}
