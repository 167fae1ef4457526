import { describe, expect, it } from 'vitest';
import { checkHost } from '../../src/checks/spf/check-host.js';
import { matchedTerm, termTrace } from '../../src/checks/spf/matched-term.js';
import { fetchSpf, parseTerms } from '../../src/checks/spf/record.js';
import type { DnsLookup } from '../../src/checks/dns-client.js';
import { loadSuite, type ZoneRecord, zoneLookup } from '../../lab/spf-suite.js';

type Zone = Record<string, ZoneRecord[]>;
const txt = (records: Record<string, string>): Zone =>
  Object.fromEntries(Object.entries(records).map(([name, record]) => [name, [{ TXT: record }]]));

/** A lookup of a zone that writes down every question it is asked. */
function recording(zone: Zone) {
  const asked = new Set<string>();
  const served = zoneLookup(new Map(Object.entries(zone)));
  const lookup: DnsLookup = (name, type) => {
    asked.add(`${type} ${name.toLowerCase()}`);
    return served(name, type);
  };
  return { asked, lookup };
}

const client = (ip: string, lookup: DnsLookup) => ({
  ip,
  sender: 'probe@example.org',
  helo: 'example.org',
  receiver: 'mx.test',
  lookup,
});

/** check_host() for a client of example.org, then the term that decided it. */
async function decide(zone: Zone, ip: string) {
  const input = client(ip, recording(zone).lookup);
  const { result } = await checkHost(input);
  return { result, match: await matchedTerm(input, result) };
}

describe('the term that decided check_host()', () => {
  const records = {
    'example.org': 'v=spf1 ip4:192.0.2.0/24 ~include:_spf.a.example include:_spf.b.example -all',
    '_spf.a.example': 'v=spf1 include:_spf.deep.example -all',
    '_spf.deep.example': 'v=spf1 ip6:2001:db8::/32 ip4:198.51.100.0/24',
    '_spf.b.example': 'v=spf1 a:relay.b.example',
  };
  const zone: Zone = { ...txt(records), 'relay.b.example': [{ A: '203.0.113.7' }] };

  it('is the mechanism itself at the top level', async () => {
    expect(await decide(zone, '192.0.2.9')).toMatchObject({
      result: 'pass',
      match: { via: [], term: { domain: 'example.org', term: 'ip4:192.0.2.0/24' } },
    });
  });

  it('follows includes, nested, and the include qualifier decides the result', async () => {
    expect(await decide(zone, '198.51.100.1')).toMatchObject({
      result: 'softfail',
      match: {
        via: [
          { domain: 'example.org', term: '~include:_spf.a.example' },
          { domain: '_spf.a.example', term: 'include:_spf.deep.example' },
        ],
        term: { domain: '_spf.deep.example', term: 'ip4:198.51.100.0/24' },
      },
    });
    expect(await decide(zone, '203.0.113.7')).toMatchObject({
      result: 'pass',
      match: {
        via: [{ domain: 'example.org', term: 'include:_spf.b.example' }],
        term: { domain: '_spf.b.example', term: 'a:relay.b.example' },
      },
    });
  });

  it('is the all when nothing else matched: an include whose record fails does not match', async () => {
    expect(await decide(zone, '233.252.0.1')).toMatchObject({
      result: 'fail',
      match: { via: [], term: { domain: 'example.org', term: '-all' } },
    });
  });

  it('follows a redirect, and says when no term matched (the default neutral)', async () => {
    const redirected = txt({ ...records, 'example.org': 'v=spf1 redirect=_spf.deep.example' });
    expect(await decide(redirected, '198.51.100.1')).toMatchObject({
      result: 'pass',
      match: {
        via: [{ domain: 'example.org', term: 'redirect=_spf.deep.example' }],
        term: { domain: '_spf.deep.example', term: 'ip4:198.51.100.0/24' },
      },
    });
    expect((await decide(redirected, '192.0.2.9')).match).toEqual({
      via: [{ domain: 'example.org', term: 'redirect=_spf.deep.example' }],
    });
  });

  it('claims nothing for an error result or a macro include target', async () => {
    expect(
      await decide(txt({ 'example.org': 'v=spf1 include:missing.example -all' }), '192.0.2.9'),
    ).toMatchObject({
      result: 'permerror',
      match: undefined,
    });
    const macro = await decide(
      txt({ 'example.org': 'v=spf1 include:%{d1}.example -all', 'org.example': 'v=spf1 ip4:192.0.2.0/24' }),
      '192.0.2.9',
    );
    expect(macro).toMatchObject({ result: 'pass', match: undefined });
  });

  it('asks no DNS question the evaluation did not ask', async () => {
    for (const ip of ['192.0.2.9', '198.51.100.1', '203.0.113.7', '233.252.0.1']) {
      const evaluation = recording(zone);
      const { result } = await checkHost(client(ip, evaluation.lookup));
      const explaining = recording(zone);
      await matchedTerm(client(ip, explaining.lookup), result);
      expect(
        [...explaining.asked].filter((q) => !evaluation.asked.has(q)),
        ip,
      ).toEqual([]);
    }
  });
});

describe('the RFC 7208 suite: every matched result is explained by a term of the record it names', () => {
  const decided = ['pass', 'fail', 'softfail', 'neutral'];
  it('explains all but the two whose path runs through a macro target', async () => {
    const unexplained: string[] = [];
    for (const c of loadSuite()) {
      const input = { ip: c.host, sender: c.mailfrom, helo: c.helo, receiver: 'mx.test', lookup: c.lookup };
      const { result } = await checkHost(input);
      if (!decided.includes(result)) continue;
      const match = await matchedTerm(input, result);
      if (!match) {
        unexplained.push(c.name);
        continue;
      }
      for (const step of [...match.via, ...(match.term ? [match.term] : [])]) {
        const fetched = await fetchSpf(step.domain, c.lookup);
        const terms = fetched.kind === 'records' ? parseTerms(fetched.records[0]!).map((t) => t.text) : [];
        expect(terms, `${c.name}: ${step.domain}`).toContain(step.term);
      }
    }
    expect(unexplained.sort()).toEqual(['require-valid-helo', 'trailing-dot-domain']);
  });
});

describe('the terms check_host() evaluated, in order (--ip trace)', () => {
  const records = {
    'example.org': 'v=spf1 ip4:192.0.2.0/24 ~include:_spf.a.example include:_spf.b.example -all',
    '_spf.a.example': 'v=spf1 ip6:2001:db8::/32 -all',
    '_spf.b.example': 'v=spf1 a:relay.b.example',
  };
  const zone: Zone = { ...txt(records), 'relay.b.example': [{ A: '203.0.113.7' }] };
  const trace = async (z: Zone, ip: string) => {
    const input = client(ip, recording(z).lookup);
    return termTrace(input, (await checkHost(input)).result);
  };
  const brief = (steps: Awaited<ReturnType<typeof trace>>['steps']) =>
    steps.map((s) => [s.depth, s.term, s.outcome, s.lookups, s.questions.map((q) => `${q.type} ${q.name}`)]);

  it('lists every term up to the deciding one, the includes entered, each with its cost and questions', async () => {
    const { steps, match } = await trace(zone, '203.0.113.7');
    expect(brief(steps)).toEqual([
      [0, 'ip4:192.0.2.0/24', 'no-match', 0, []],
      [0, '~include:_spf.a.example', 'no-match', 1, ['TXT _spf.a.example']],
      [1, 'ip6:2001:db8::/32', 'no-match', 0, []],
      [1, '-all', 'match', 0, []],
      [0, 'include:_spf.b.example', 'match', 1, ['TXT _spf.b.example']],
      [1, 'a:relay.b.example', 'match', 1, ['A relay.b.example']],
    ]);
    expect(match?.term).toEqual({ domain: '_spf.b.example', term: 'a:relay.b.example' });
  });

  it('stops at the 11th DNS-mechanism lookup with outcome limit, as the evaluation does (permerror)', async () => {
    const hosts = Array.from({ length: 12 }, (_, i) => `a:h${i + 1}.example.org`).join(' ');
    const over: Zone = txt({ 'example.org': `v=spf1 ${hosts} -all` });
    for (let i = 1; i <= 12; i++) over[`h${i}.example.org`] = [{ A: `198.51.100.${i}` }];
    const { steps, match } = await trace(over, '192.0.2.1');
    expect(steps.map((s) => s.outcome)).toEqual([...Array<string>(10).fill('no-match'), 'limit']);
    expect(steps.at(-1)?.term).toBe('a:h11.example.org');
    expect(match).toBeUndefined();
  });

  it('stops at the third void lookup', async () => {
    const voids: Zone = txt({
      'example.org': 'v=spf1 a:gone1.example.org a:gone2.example.org a:gone3.example.org -all',
    });
    const { steps } = await trace(voids, '192.0.2.1');
    expect(steps.map((s) => [s.term, s.outcome])).toEqual([
      ['a:gone1.example.org', 'no-match'],
      ['a:gone2.example.org', 'no-match'],
      ['a:gone3.example.org', 'limit'],
    ]);
  });
});
