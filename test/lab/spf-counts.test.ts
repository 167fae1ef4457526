import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeSpf, type SpfAnalysis } from '../../src/checks/spf/analyze.js';
import { type SpfTree, spfTreeCorpus, TREE_CLIENTS, treeLookup } from '../helpers/spf-tree-corpus.js';

const ORACLE = join(import.meta.dirname, '../../lab/spf_count_oracle.py');

interface Counted {
  lookups: number;
  void: number;
  /** How many MX names each mx term pyspf evaluated got. */
  mx: number[];
  result: string;
}
type Address = 'A' | 'AAAA';

/** The domain named by an include:, redirect=, a, mx or ptr term, or undefined for a bare one. */
const targetOf = (term: string) =>
  /^[-+~?]?[a-z]+[:=]([^/]+)/i.exec(term)?.[1]?.toLowerCase().replace(/\.$/, '');
const termsNamed = (a: SpfAnalysis, name: RegExp) => a.terms.filter((t) => name.test(t.term));

/**
 * What pyspf counts and RFC 7208 does not; mailops follows the RFC (and mailauth does too). Each
 * gives the lookups and void lookups pyspf adds, worked out from the tree and the terms mailops
 * costed, for a client asking A or AAAA.
 */
const DIFFERENCES = [
  {
    name: 'redirect= beside an all: ignored by §6.1, so it asks nothing; pyspf counts a lookup',
    extra: (tree: SpfTree, a: SpfAnalysis) => {
      // Every record evaluated: the top one, and one for each include and redirect followed.
      const visited = [
        tree.domain,
        ...termsNamed(a, /^[-+~?]?(include:|redirect=)/i).map((t) => targetOf(t.term)),
      ];
      const ignored = visited.filter((name) =>
        (tree.zone[name ?? '']?.TXT ?? [])
          .map((strings) => strings.join(''))
          .some((r) => /^v=spf1 /i.test(r) && / redirect=/i.test(r) && / [-+~?]?all( |$)/i.test(r)),
      );
      return { lookups: ignored.length, void: 0 };
    },
  },
  {
    name: "ptr: the client's PTR records are the client's, not the domain's (§4.6.4), so their absence is no void lookup of the record; pyspf counts one",
    extra: (_: SpfTree, a: SpfAnalysis) => ({ lookups: 0, void: termsNamed(a, /^[-+~?]?ptr(:|$)/i).length }),
  },
  {
    name: 'an MX host without an address of the asked type: §4.6.4 counts void terms, and the mx term got its MX answer; pyspf counts each such host',
    extra: (tree: SpfTree, a: SpfAnalysis, type: Address) => {
      const hosts = termsNamed(a, /^[-+~?]?mx(:|\/|$)/i).flatMap(
        (t) => tree.zone[targetOf(t.term) ?? t.path.at(-1)!]?.MX?.map(([, exchange]) => exchange) ?? [],
      );
      return { lookups: 0, void: hosts.filter((h) => h !== '.' && !tree.zone[h]?.[type]?.length).length };
    },
  },
];

describe('lookup accounting against pyspf (Debian python3-spf) on generated record trees', () => {
  it('counts lookups, void lookups per client family and MX names as pyspf does, but where the RFC differs', async () => {
    const corpus = spfTreeCorpus(400);
    const { stdout } = await execa('/usr/bin/python3', [ORACLE, JSON.stringify(TREE_CLIENTS)], {
      input: corpus.map((t) => JSON.stringify(t)).join('\n'),
      timeout: 120_000,
    });
    const results = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as [Counted, Counted]);
    expect(results).toHaveLength(corpus.length);
    const explained = new Set<string>();
    const disagreements: string[] = [];
    const analyses = await Promise.all(corpus.map((tree) => analyzeSpf(tree.domain, treeLookup(tree))));
    corpus.forEach((tree, i) => {
      const a = analyses[i]!;
      const sides = [
        ['IPv4', 'A', results[i]![0], a.voidByFamily.ipv4],
        ['IPv6', 'AAAA', results[i]![1], a.voidByFamily.ipv6],
      ] as const;
      for (const [family, type, pyspf, voids] of sides) {
        let lookups = a.lookups;
        let expected = voids;
        for (const d of DIFFERENCES) {
          const extra = d.extra(tree, a, type);
          if (extra.lookups || extra.void) explained.add(d.name);
          lookups += extra.lookups;
          expected += extra.void;
        }
        const mxTerms = termsNamed(a, /^[-+~?]?mx(:|\/|$)/i).length;
        const mxOver = a.errors.filter((e) => / MX names, over 10 /.test(e)).length;
        const theirs = `${pyspf.lookups} lookups, ${pyspf.void} void, MX ${pyspf.mx.join(',')}`;
        const ours = `${lookups} lookups, ${expected} void, ${mxTerms} mx (${mxOver} over 10)`;
        if (
          pyspf.lookups !== lookups ||
          pyspf.void !== expected ||
          pyspf.mx.length !== mxTerms ||
          pyspf.mx.filter((n) => n > 10).length !== mxOver
        )
          disagreements.push(
            `tree ${i} ${family}: pyspf ${theirs}; mailops ${ours}; ${JSON.stringify(tree.zone)}`,
          );
      }
    });
    expect(disagreements).toEqual([]);
    // Each documented difference shows up in the corpus: none is an excuse that never applies.
    expect([...explained].sort()).toEqual(DIFFERENCES.map((d) => d.name).sort());
    // Records over both limits, and the MX name limit, are there in numbers: the counting past them is tested.
    expect(analyses.filter((a) => a.lookups > 10).length).toBeGreaterThan(40);
    expect(analyses.filter((a) => a.voidByFamily.ipv4 > 2 && a.voidByFamily.ipv6 > 2).length).toBeGreaterThan(
      40,
    );
    expect(analyses.filter((a) => a.voidByFamily.ipv4 !== a.voidByFamily.ipv6).length).toBeGreaterThan(40);
    expect(
      analyses.filter((a) => a.errors.some((e) => / MX names, over 10 /.test(e))).length,
    ).toBeGreaterThan(5);
    // Exactly 10 names is within the limit: pyspf evaluates such mx terms, and mailops does not flag them.
    expect(results.filter(([ipv4]) => ipv4.mx.includes(10)).length).toBeGreaterThan(2);
  });
});
