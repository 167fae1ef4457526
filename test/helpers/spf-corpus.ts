/**
 * A generated corpus of SPF records for the validator's property test: terms that RFC 7208 §12
 * allows and terms that break one rule each, combined by a seeded generator so every run tests
 * the same records. Include, redirect and exp targets all exist in the oracle's zone, and no
 * record can reach the lookup limit: only syntax can make every client permerror.
 */
const VALID = [
  'ip4:192.0.2.0/24',
  'ip4:192.0.2.1',
  'IP4:192.0.2.2/32',
  'ip6:2001:db8::/32',
  'ip6:::1',
  'ip6:::ffff:192.0.2.9/128',
  'a',
  'a/24',
  'a//64',
  'a/24//64',
  'a:mail.example.net',
  'a:foo:bar/baz.example.net',
  'A:%{d}',
  'mx',
  'mx:example.net/28',
  'MX:%{d2}//97',
  'ptr',
  'ptr:example.net',
  'include:_spf.example.net',
  'include:%{d2}.example.net',
  'exists:%{i}._spf.example.net',
  'exists:%{ir}.%{v}._spf.%{d2}',
  'exists:%{l1r-}.%{o}',
  'exists:%%%_.%{h}',
  'redirect=_spf.example.net',
  'exp=explain.example.net',
  'exp=%{d}.explain.example.net',
  'foo=bar',
  'x-unknown=%{d}.%{i}',
  'op=pass',
];
const ALLS = ['-all', '~all', '?all', '+all', 'all', 'ALL'];
const INVALID = [
  'ip4:192.0.2.0/33',
  'ip4:300.1.1.1',
  'ip4:192.0.2',
  'ip4:01.2.3.4',
  'ip4:192.0.2.1//64',
  'ip4:192.0.2.1,',
  'ip4',
  'ip6:zz::1',
  'ip6:2001:db8::/129',
  'ip6:2001:db8:://64',
  'ip6:192.0.2.1',
  'mx:example.com/33',
  'a//129',
  'a:museum',
  'a:192.0.2.1',
  'a:example.123',
  'mx:',
  'include:',
  'include',
  'exists',
  'exists:',
  'include:%{z}.example',
  'a:%{c}.example.net',
  'exists:%{t}.example.net',
  'exists:%{x}.example.net',
  'a:%x.example.net',
  'exists:%{i.example.net',
  'exists:%{d0}.example.net',
  'a:example.net%',
  '-all:foo',
  'all/24',
  'ptr/24',
  'include:example.net/24',
  'exists/24',
  '*all',
  '!mx',
  'xyz',
  'xyz:foo',
  'ipv4:192.0.2.1',
  'prt',
  'redirect=',
  'exp=',
  'redirect=museum',
  'redirect=%{q}.example.net',
  'foo=%{c}',
  'foo=%',
  'include:exämple.net',
];

/** mulberry32: small, seeded, enough for picking terms. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every invalid term alone and beside valid ones, then `count` seeded mixes of up to five terms. */
export function spfCorpus(count: number, seed = 7208): string[] {
  const next = random(seed);
  const pick = (pool: readonly string[]) => pool[Math.floor(next() * pool.length)]!;
  const records = new Set<string>(['v=spf1', 'v=spf1 -all', ...VALID.map((t) => `v=spf1 ${t} -all`)]);
  for (const bad of INVALID) {
    records.add(`v=spf1 ${bad}`);
    records.add(`v=spf1 ip4:192.0.2.0/24 ${bad} ~all`);
    records.add(`v=spf1 -all ${bad}`);
  }
  while (records.size < count) {
    const terms = Array.from({ length: 1 + Math.floor(next() * 5) }, () => {
      const roll = next();
      return roll < 0.15 ? pick(INVALID) : roll < 0.3 ? pick(ALLS) : pick(VALID);
    });
    records.add(`v=spf1 ${terms.join(next() < 0.1 ? '  ' : ' ')}`);
  }
  return [...records];
}
