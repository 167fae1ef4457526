/**
 * A generated corpus of SPF record trees for the lookup-accounting property test: includes nested
 * up to four records deep, redirects with and without an all, a/mx/exists/ptr whose targets exist,
 * are NXDOMAIN, have TXT only, one address family only or MX lists (up to 14 names, some hosts
 * without addresses, a null MX), and include targets without a record. Seeded, so every run walks
 * the same trees.
 *
 * The accounting compared is that of a client walking the whole tree, so nothing in a tree may
 * match TREE_CLIENTS or end evaluation early: no address of the clients, no exists target with
 * an A record (it matches every client), no record below the top that passes, no loops, no macros (the analyzer does not expand them),
 * every record valid, and only the top record's redirect may lead to a name without a record
 * (pyspf ends evaluation there, which is harmless only when nothing follows).
 */
import type { DnsLookup } from '../../src/checks/dns-client.js';
import { type ZoneRecord, zoneLookup } from '../../lab/spf-suite.js';
import { random } from './spf-corpus.js';

export interface HostData {
  TXT?: string[][];
  A?: string[];
  AAAA?: string[];
  MX?: [number, string][];
}
export interface SpfTree {
  domain: string;
  zone: Record<string, HostData>;
}

/** An IPv4 and an IPv6 client outside every network a tree names. */
export const TREE_CLIENTS = ['203.0.113.7', '2001:db8:ffff::7'] as const;

type Kind = 'nx' | 'txt' | 'a4' | 'a6' | 'dual' | 'mx';
const ANY: readonly Kind[] = ['nx', 'txt', 'a4', 'a6', 'dual', 'mx'];
// exists asks A whatever the client's family: a target with A records would match everyone.
const NO_A: readonly Kind[] = ['nx', 'txt', 'a6', 'mx'];
const DEEPEST = 3;

export function spfTreeCorpus(count: number, seed = 7208): SpfTree[] {
  const next = random(seed);
  return Array.from({ length: count }, () => tree(next));
}

function tree(next: () => number): SpfTree {
  const chance = (p: number) => next() < p;
  const pick = <T>(pool: readonly T[]): T => pool[Math.floor(next() * pool.length)]!;
  const zone: Record<string, HostData> = {};
  const hosts: [string, Kind][] = [];
  const records: string[][] = Array.from({ length: DEEPEST + 1 }, () => []);
  let serial = 0;
  const fresh = (prefix: string) => `${prefix}${++serial}.count.test`;
  const octet = () => 1 + Math.floor(next() * 250);
  const addresses = (v6: boolean) =>
    Array.from({ length: 1 + Math.floor(next() * 2) }, () =>
      v6 ? `2001:db8:1::${octet().toString(16)}` : `198.51.100.${octet()}`,
    );

  const publish = (name: string, kind: Kind) => {
    if (kind === 'nx') return;
    const data: HostData = (zone[name] ??= {});
    if (kind === 'txt') data.TXT = [['google-site-verification=count']];
    if (kind === 'a4' || kind === 'dual') data.A = addresses(false);
    if (kind === 'a6' || kind === 'dual') data.AAAA = addresses(true);
    if (kind === 'mx') {
      if (chance(0.05)) data.MX = [[0, '.']];
      else {
        const names = chance(0.15) ? 10 + Math.floor(next() * 5) : 1 + Math.floor(next() * 3);
        data.MX = Array.from({ length: names }, (_, i) => {
          const exchange = fresh('mx');
          publish(exchange, pick(['nx', 'a4', 'a6', 'dual', 'dual'] as const));
          return [10 * (i + 1), exchange];
        });
      }
      if (chance(0.3)) data.AAAA = addresses(true);
    }
  };
  /** A name of one of the kinds, sometimes one already used: a repeated void name counts each time. */
  const host = (kinds: readonly Kind[]) => {
    const seen = hosts.filter(([, kind]) => kinds.includes(kind));
    if (seen.length && chance(0.25)) return pick(seen)[0];
    const name = fresh('h');
    const kind = pick(kinds);
    hosts.push([name, kind]);
    publish(name, kind);
    return name;
  };
  const spelled = (name: string) => {
    const roll = next();
    return roll < 0.08 ? name.toUpperCase() : roll < 0.14 ? `${name}.` : name;
  };
  /** A record at depth+1 for include: or redirect=, new or (for a diamond) one already made. */
  const deeper = (depth: number) => {
    const made = records.slice(depth + 1).flat();
    return made.length && chance(0.2) ? pick(made) : record(fresh('spf'), depth + 1);
  };
  const noRecord = () => host(pick([['nx'], ['txt'], ['a4']] as const));

  const mechanism = (depth: number): string => {
    const qualifier = pick(['', '', '', '-', '~', '?', '+']);
    const roll = next();
    if (roll < (depth < DEEPEST ? 0.3 : 0))
      return `${qualifier}include:${spelled(chance(0.12) ? noRecord() : deeper(depth))}`;
    if (roll < 0.7) {
      const name = roll < 0.5 ? 'a' : 'mx';
      const target = chance(0.5) ? '' : `:${spelled(host(ANY))}`;
      return `${qualifier}${name}${target}${pick(['', '', '/24', '//64', '/24//64'])}`;
    }
    if (roll < 0.8) return `${qualifier}exists:${spelled(host(NO_A))}`;
    if (roll < 0.85) return `${qualifier}ptr${chance(0.5) ? '' : `:${host(ANY)}`}`;
    return chance(0.5) ? 'ip4:198.51.100.0/24' : 'ip6:2001:db8:1::/48';
  };

  function record(name: string, depth: number): string {
    records[depth]!.push(name);
    // The record's own name is the target of a bare a, mx or ptr.
    publish(name, pick(['txt', 'a4', 'a6', 'dual', 'mx']));
    const length = depth === 0 ? 1 + Math.floor(next() * 6) : Math.floor(next() * 5);
    const terms = Array.from({ length }, () => mechanism(depth));
    const redirect = () => `redirect=${spelled(depth === 0 && chance(0.2) ? noRecord() : deeper(depth))}`;
    // An include matches when the record it names passes: below the top, an all that passes would
    // end its parent's evaluation for every client.
    const all = pick(depth === 0 ? ['-all', '~all', '?all', 'all', '+all'] : ['-all', '~all', '?all']);
    const roll = depth < DEEPEST ? next() : 0.5 + next() / 2;
    if (roll < 0.15) terms.push(redirect());
    else if (roll < 0.25) terms.push(...(chance(0.5) ? [redirect(), all] : [all, redirect()]));
    else if (roll < 0.35) terms.push(all, mechanism(depth));
    else if (roll < 0.9) terms.push(all);
    if (chance(0.05)) terms.push(`exp=${fresh('explain')}`);
    const text = `v=spf1 ${terms.join(chance(0.1) ? '  ' : ' ')}`.trimEnd();
    // Split into two character-strings now and then: both sides join them before parsing.
    const cut = 7 + Math.floor(next() * (text.length - 7));
    const txt = (zone[name]!.TXT ??= []);
    txt.push(text.length > 8 && chance(0.1) ? [text.slice(0, cut), text.slice(cut)] : [text]);
    return name;
  }

  const domain = 'count.test';
  record(domain, 0);
  return { domain, zone };
}

/** The tree's zone as the analyzer asks it, through the suite's in-memory resolver. */
export function treeLookup(tree: SpfTree): DnsLookup {
  const zone = new Map<string, ZoneRecord[]>();
  for (const [name, data] of Object.entries(tree.zone))
    zone.set(
      name,
      Object.entries(data).flatMap(([type, values]) =>
        (values as unknown[]).map((value) => ({ [type]: value })),
      ),
    );
  return zoneLookup(zone);
}
