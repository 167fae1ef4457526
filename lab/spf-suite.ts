// The open-spf.org RFC 7208 test suite (fixtures/spf) as in-memory zones, following
// the conventions in its README: the one driver for the conformance test and the benchmark.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { checkHost } from '../src/checks/spf/check-host.ts';
import type { DnsLookup } from '../src/checks/dns-client.ts';

export const SUITE = join(import.meta.dirname, '../fixtures/spf/rfc7208-tests.yml');

export type ZoneRecord = { [type: string]: unknown } | string;
type Zone = Map<string, ZoneRecord[]>;

export interface SuiteCase {
  scenario: string;
  name: string;
  helo: string;
  host: string;
  mailfrom: string;
  result: string[];
  explanation?: string;
  lookup: DnsLookup;
}

const canonical = (name: string) => name.toLowerCase().replace(/\.$/, '');

const dnsError = (code: string, name: string) =>
  Object.assign(new Error(`${code} ${name}`), { code, hostname: name });

function answer(records: ZoneRecord[], type: string): unknown[] | 'timeout' {
  const hasTxt = records.some((r) => typeof r === 'object' && 'TXT' in r);
  const out: unknown[] = [];
  for (const record of records) {
    if (record === 'TIMEOUT') return out.length ? out : 'timeout';
    if (typeof record !== 'object') continue;
    const [[kind, value]] = Object.entries(record) as [[string, unknown]];
    const asked = kind === 'SPF' && type === 'TXT' && !hasTxt ? 'TXT' : kind;
    if (asked !== type || value === 'NONE') continue;
    if (type === 'TXT') out.push(Array.isArray(value) ? value.map(String) : [String(value)]);
    else if (type === 'MX') {
      const [priority, exchange] = value as [number, string];
      out.push({ priority, exchange });
    } else out.push(String(value));
  }
  return out;
}

/** A resolver answering from one scenario's zonedata in the shapes and error codes of node:dns. */
export function zoneLookup(zone: Zone): DnsLookup {
  const resolve = (name: string, type: string, depth: number): unknown[] => {
    const key = canonical(name);
    if (key.split('.').some((label) => label.length > 63)) throw dnsError('ETIMEOUT', name);
    const records = zone.get(key);
    if (!records) throw dnsError(key.startsWith('error.') ? 'ETIMEOUT' : 'ENOTFOUND', name);
    const found = answer(records, type);
    if (found === 'timeout') throw dnsError('ETIMEOUT', name);
    if (found.length) return found;
    const cname = answer(records, 'CNAME');
    if (depth === 0 && Array.isArray(cname) && typeof cname[0] === 'string')
      return resolve(cname[0], type, 1);
    throw dnsError('ENODATA', name);
  };
  // Each answer (or error) is worked out once per name and type, as a zone server would hold it.
  const answers = new Map<string, { value: unknown[] } | { error: Error }>();
  return (name, type) => {
    const key = `${type} ${canonical(name)}`;
    let known = answers.get(key);
    if (!known) {
      try {
        known = { value: resolve(name, type, 0) };
      } catch (error) {
        known = { error: error as Error };
      }
      answers.set(key, known);
    }
    return 'value' in known ? Promise.resolve(known.value) : Promise.reject(known.error);
  };
}

export function loadSuite(file = SUITE): SuiteCase[] {
  const cases: SuiteCase[] = [];
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const scenario = doc.toJS() as {
      description: string;
      tests: Record<
        string,
        { helo: string; host: string; mailfrom: string; result: string | string[]; explanation?: string }
      >;
      zonedata?: Record<string, ZoneRecord[]>;
    };
    const zone: Zone = new Map(
      Object.entries(scenario.zonedata ?? {}).map(([name, records]) => [canonical(name), records ?? []]),
    );
    const lookup = zoneLookup(zone);
    for (const [name, test] of Object.entries(scenario.tests)) {
      cases.push({
        scenario: scenario.description,
        name,
        helo: test.helo,
        host: test.host,
        mailfrom: test.mailfrom,
        result: [test.result].flat(),
        ...(test.explanation === undefined ? {} : { explanation: test.explanation }),
        lookup,
      });
    }
  }
  return cases;
}

/**
 * One suite case through our check_host(), with the suite's identities: the receiving
 * host is receiver.example.org, and no explanation counts as the literal DEFAULT.
 */
export async function evaluateCase(c: SuiteCase): Promise<{ result: string; explanation: string }> {
  const got = await checkHost({
    ip: c.host,
    sender: c.mailfrom,
    helo: c.helo,
    receiver: 'receiver.example.org',
    lookup: c.lookup,
  });
  return { result: got.result, explanation: got.explanation ?? 'DEFAULT' };
}
