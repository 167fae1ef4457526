import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTerms, recordIssues } from '../../src/checks/spf/record.js';
import { spfCorpus } from '../helpers/spf-corpus.js';

const ORACLE = join(import.meta.dirname, '../../lab/spf_oracle.py');
/** In the record's networks, in the include's, the zone's A/MX/exists answer, IPv6, and none. */
const CLIENTS = ['192.0.2.1', '198.51.100.7', '203.0.113.99', '2001:db8::1', '10.0.0.1'];

/**
 * Where pyspf departs from RFC 7208 and mailops follows the RFC, as mailauth (strict) does too;
 * each is in the README's table of validation rules.
 */
const DIFFERENCES = [
  {
    name: 'an unterminated macro ("%{i.example.net"): invalid by §7.1, pyspf reads it literally',
    pyspfInvalid: false,
    applies: (record: string) => /%\{[^}]*(\s|$)/.test(record),
  },
  {
    name: 'a zero digit transformer ("%{d0}"): invalid by §7.3, pyspf accepts it',
    pyspfInvalid: false,
    applies: (record: string) => /%\{[a-z]0/i.test(record),
  },
  {
    name: 'a repeated unknown modifier: ignored by §6, pyspf returns permerror (mailops warns)',
    pyspfInvalid: true,
    applies: (_: string, warnings: string[]) => warnings.includes('modifier-repeated'),
  },
];

describe('the SPF record validator against pyspf (Debian python3-spf) on a generated corpus', () => {
  it('says invalid exactly when pyspf returns permerror for every client, but where the RFC differs', async () => {
    const corpus = spfCorpus(1500);
    const { stdout } = await execa('/usr/bin/python3', [ORACLE, JSON.stringify(CLIENTS)], {
      input: corpus.map((r) => JSON.stringify(r)).join('\n'),
      timeout: 120_000,
    });
    const results = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as string[]);
    expect(results).toHaveLength(corpus.length);
    const explained = new Set<string>();
    const disagreements = corpus.flatMap((record, i) => {
      const pyspfInvalid = results[i]!.every((r) => r === 'permerror');
      const { problems, warnings } = recordIssues(parseTerms(record));
      if (pyspfInvalid === problems.length > 0) return [];
      const rules = warnings.map((w) => w.rule as string);
      const known = DIFFERENCES.find((d) => d.pyspfInvalid === pyspfInvalid && d.applies(record, rules));
      if (known) {
        explained.add(known.name);
        return [];
      }
      const ours = problems.map((p) => p.rule).join(',') || 'valid';
      return [`${record}: pyspf ${results[i]!.join(',')}; mailops ${ours}`];
    });
    expect(disagreements).toEqual([]);
    // Each documented difference shows up in the corpus: none is an excuse that never applies.
    expect([...explained].sort()).toEqual(DIFFERENCES.map((d) => d.name).sort());
    // Both kinds are there in numbers: the agreement is not the trivial one.
    const invalid = results.filter((r) => r.every((x) => x === 'permerror')).length;
    expect(invalid).toBeGreaterThan(300);
    expect(corpus.length - invalid).toBeGreaterThan(300);
  });
});
