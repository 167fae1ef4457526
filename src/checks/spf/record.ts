import type { DnsLookup } from '../dns-client.js';

export type Fetched =
  { kind: 'records'; records: string[] } | { kind: 'none' } | { kind: 'error'; error: unknown };

const VOID = new Set(['ENOTFOUND', 'ENODATA']);
export const isVoid = (error: unknown) => VOID.has((error as { code?: string }).code ?? '');

/** The v=spf1 records among a name's TXT records, each joined from its character-strings (RFC 7208 §3.3, §4.5). */
export async function fetchSpf(domain: string, lookup: DnsLookup): Promise<Fetched> {
  try {
    const txt = (await lookup(domain, 'TXT')) as string[][];
    const joined = txt.map((chunks) => chunks.join(''));
    const records = joined.filter((r) => /^v=spf1( |$)/i.test(r));
    return records.length ? { kind: 'records', records } : { kind: 'none' };
  } catch (error) {
    return isVoid(error) ? { kind: 'none' } : { kind: 'error', error };
  }
}

export type Qualifier = '+' | '-' | '~' | '?';

export type Term =
  | { kind: 'mechanism'; text: string; qualifier: Qualifier; name: string; target?: string }
  | { kind: 'modifier'; text: string; name: string; value: string }
  | { kind: 'invalid'; text: string };

const MECHANISMS = new Set(['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists']);

/** The terms of a record after "v=spf1", classified; the evaluator (mailauth strict) is the judge of finer syntax. */
export function parseTerms(record: string): Term[] {
  return record
    .split(' ')
    .slice(1)
    .filter(Boolean)
    .map((text): Term => {
      const modifier = /^([a-z][a-z0-9._-]*)=(.*)$/i.exec(text);
      if (modifier?.[1] && modifier[2] !== undefined)
        return { kind: 'modifier', text, name: modifier[1].toLowerCase(), value: modifier[2] };
      const mechanism = /^([-+~?]?)([a-z0-9]+)(?::([^/]*))?(\/.*)?$/i.exec(text);
      const name = mechanism?.[2]?.toLowerCase();
      if (!mechanism || !name || !MECHANISMS.has(name)) return { kind: 'invalid', text };
      const target = name === 'ip4' || name === 'ip6' ? undefined : mechanism[3];
      if ((name === 'include' || name === 'exists') && !target) return { kind: 'invalid', text };
      return {
        kind: 'mechanism',
        text,
        qualifier: (mechanism[1] || '+') as Qualifier,
        name,
        ...(target ? { target } : {}),
      };
    });
}
