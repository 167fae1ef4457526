import { describe, expect, it } from 'vitest';
import { keepNibbleCase } from '../../src/checks/spf/check-host.js';
import { evaluateCase, loadSuite } from '../../lab/spf-suite.js';

const cases = loadSuite();

describe('RFC 7208 test suite (open-spf.org, fixtures/spf/rfc7208-tests.yml)', () => {
  it('holds all 203 tests and 22 explanations', () => {
    expect(cases).toHaveLength(203);
    expect(cases.filter((c) => c.explanation !== undefined)).toHaveLength(22);
  });

  it.each(cases.map((c) => [`${c.scenario} › ${c.name}`, c] as const))('%s', async (_, c) => {
    const got = await evaluateCase(c);
    expect(c.result).toContain(got.result);
    if (c.explanation !== undefined) expect(got.explanation).toBe(c.explanation);
  });
});

describe('IPv6 nibbles in explanations', () => {
  it('keep the case the client address was written in, forward and reversed', () => {
    const reversed = '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.e.b.a.b.e.f.a.c';
    expect(keepNibbleCase(`${reversed}.ip6.arpa`, 'CAFE:BABE::1')).toBe(`${reversed.toUpperCase()}.ip6.arpa`);
    expect(keepNibbleCase(`${reversed}.ip6.arpa`, 'cafe:babe::1')).toBe(`${reversed}.ip6.arpa`);
    expect(keepNibbleCase('c.a.f.e', 'CAFE:BABE::1')).toBe('c.a.f.e');
  });
});
