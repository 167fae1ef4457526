import { describe, expect, it } from 'vitest';
import { analyzeSpf } from '../../src/checks/spf/analyze.js';
import { type ZoneRecord, zoneLookup } from '../../lab/spf-suite.js';

/** An in-memory zone in the suite's zonedata form. */
const zone = (records: Record<string, string>) =>
  zoneLookup(
    new Map(Object.entries(records).map(([name, txt]) => [name, [{ TXT: txt }, { A: '192.0.2.1' }]])),
  );

describe('SPF record analysis', () => {
  it('costs every DNS term with its include path, and warns from 8 lookups', async () => {
    const lookup = zone({
      'example.org': 'v=spf1 a mx include:one.example.org include:two.example.org ~all',
      'one.example.org': 'v=spf1 a:h1.example.org a:h2.example.org exists:h3.example.org -all',
      'two.example.org': 'v=spf1 ip4:192.0.2.0/24 include:three.example.org -all',
      'three.example.org': 'v=spf1 a:h4.example.org -all',
      'h1.example.org': 'x',
      'h2.example.org': 'x',
      'h3.example.org': 'x',
      'h4.example.org': 'x',
    });
    const a = await analyzeSpf('example.org', lookup);
    expect(a.lookups).toBe(9);
    // mx of example.org answers no MX: a void lookup.
    expect(a.voidLookups).toBe(1);
    expect(a.terms.map((t) => `${t.path.join(' > ')}: ${t.term}${t.void ? ' (void)' : ''}`)).toEqual([
      'example.org: a',
      'example.org: mx (void)',
      'example.org: include:one.example.org',
      'example.org > one.example.org: a:h1.example.org',
      'example.org > one.example.org: a:h2.example.org',
      'example.org > one.example.org: exists:h3.example.org',
      'example.org: include:two.example.org',
      'example.org > two.example.org: include:three.example.org',
      'example.org > two.example.org > three.example.org: a:h4.example.org',
    ]);
    expect(a.all).toBe('~');
    expect(a.warnings).toContain(
      "9 of 10 DNS lookups used: little headroom for a provider's include to grow",
    );
    expect([...a.reachable]).toEqual(['one.example.org', 'two.example.org', 'three.example.org']);
  });

  it('takes the effective all through redirect=, which an all in the record overrides', async () => {
    const lookup = zone({
      'example.org': 'v=spf1 ip4:192.0.2.0/24 redirect=_spf.example.org',
      'both.example.org': 'v=spf1 ?all redirect=_spf.example.org',
      '_spf.example.org': 'v=spf1 -all',
    });
    const redirected = await analyzeSpf('example.org', lookup);
    expect(redirected.all).toBe('-');
    expect(redirected.lookups).toBe(1);
    const overridden = await analyzeSpf('both.example.org', lookup);
    expect(overridden.all).toBe('?');
    expect(overridden.lookups).toBe(0);
  });

  it('an include of a domain without a record is a permerror, and a loop is caught', async () => {
    const lookup = zone({
      'example.org': 'v=spf1 include:nothing.example.org include:loop.example.org -all',
      'nothing.example.org': 'not spf',
      'loop.example.org': 'v=spf1 include:example.org -all',
    });
    const a = await analyzeSpf('example.org', lookup);
    expect(a.errors).toEqual([
      'example.org: include:nothing.example.org: no v=spf1 records, exactly one is needed (permerror)',
      'example.org > loop.example.org: include:example.org loops back to a record already on the path',
    ]);
  });

  it('costs nothing after an all, and counts void only what has no answer of the type asked', async () => {
    const lookup = zoneLookup(
      new Map<string, ZoneRecord[]>([
        [
          'example.org',
          [
            {
              TXT: 'v=spf1 include:txt.example.org a:six.example.org exists:gone.example.org ~all a:never.example.org',
            },
          ],
        ],
        ['txt.example.org', [{ TXT: 'google-site-verification=x' }]],
        ['six.example.org', [{ AAAA: '2001:db8::6' }]],
      ]),
    );
    const a = await analyzeSpf('example.org', lookup);
    expect(a.terms.map((t) => [t.term, t.void, t.voidFamily])).toEqual([
      ['include:txt.example.org', false, undefined],
      ['a:six.example.org', false, 'ipv4'],
      ['exists:gone.example.org', true, undefined],
    ]);
    // TXT records that are not SPF are an answer: a permerror, but not a void lookup.
    expect(a.voidLookups).toBe(1);
    expect(a.voidByFamily).toEqual({ ipv4: 2, ipv6: 1 });
    expect(a.lookups).toBe(3);
    expect(a.warnings).toContain(
      'example.org: term 5 "a:never.example.org": never reached: "~all" (term 4) ends evaluation',
    );
  });

  it('warns when the TXT answer may not fit one UDP datagram (RFC 7208 §3.4)', async () => {
    const ips = (n: number, from: number) =>
      Array.from({ length: n }, (_, i) => `ip4:192.0.${from + i}.0/24`).join(' ');
    const lookup = zoneLookup(
      new Map<string, ZoneRecord[]>([
        ['big.example.org', [{ TXT: `v=spf1 ${ips(18, 0)} -all` }, { TXT: `x=${'y'.repeat(200)}` }]],
        ['near.example.org', [{ TXT: `v=spf1 ${ips(25, 0)} -all` }]],
        ['small.example.org', [{ TXT: `v=spf1 ${ips(3, 0)} -all` }]],
      ]),
    );
    const big = await analyzeSpf('big.example.org', lookup);
    expect(big.warnings.join('\n')).toMatch(/the TXT answer is \d+ octets, over 512/);
    const near = await analyzeSpf('near.example.org', lookup);
    expect(near.warnings.join('\n')).toMatch(/name and TXT text are 4\d\d octets: from 450/);
    expect((await analyzeSpf('small.example.org', lookup)).warnings).toEqual([]);
  });
});
