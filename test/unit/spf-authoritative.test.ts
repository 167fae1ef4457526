import { describe, expect, it } from 'vitest';
import type { DnsLookup } from '../../src/checks/dns-client.js';
import {
  type AuthoritativeAnswer,
  authoritativeAgreement,
  authoritativeServers,
} from '../../src/checks/spf/authoritative.js';
import { type ZoneRecord, zoneLookup } from '../../lab/spf-suite.js';

const SOA = { SOA: 'ns1.example.org. hostmaster.example.org. 7 3600 600 86400 60' };

/** In-memory DNS in the suite's zonedata form, writing down every question it is sent. */
function dns(records: Record<string, ZoneRecord[]>): { lookup: DnsLookup; asked: string[] } {
  const zone = zoneLookup(new Map(Object.entries(records)));
  const asked: string[] = [];
  return {
    asked,
    lookup: (name, type) => {
      asked.push(`${type} ${name}`);
      return zone(name, type);
    },
  };
}

const exampleOrg = {
  'example.org': [SOA, { NS: 'ns1.example.org' }, { NS: 'NS2.example.net.' }, { NS: 'ns1.example.org.' }],
  'mail.example.org': [{ A: '192.0.2.25' }],
  'ns1.example.org': [{ A: '192.0.2.53' }, { AAAA: '2001:db8::53' }],
  'ns2.example.net': [{ A: '198.51.100.53' }],
};

describe('authoritativeServers: the zone of a domain and its name servers', () => {
  it('walks up from a name below the apex to the SOA, then asks NS, A and AAAA once each', async () => {
    const { lookup, asked } = dns(exampleOrg);
    expect(await authoritativeServers('Mail.Example.org.', lookup)).toEqual({
      zone: 'example.org',
      servers: [
        { ns: 'ns1.example.org', address: '192.0.2.53' },
        { ns: 'ns1.example.org', address: '2001:db8::53' },
        { ns: 'ns2.example.net', address: '198.51.100.53' },
      ],
      problems: [],
    });
    // ns1 is listed twice (once with a trailing dot), and still asked about once.
    expect(asked.sort()).toEqual(
      [
        'SOA mail.example.org',
        'SOA example.org',
        'NS example.org',
        'A ns1.example.org',
        'AAAA ns1.example.org',
        'A ns2.example.net',
        'AAAA ns2.example.net',
      ].sort(),
    );
  });

  it('stops at the domain itself when it is the apex', async () => {
    const { lookup, asked } = dns(exampleOrg);
    const found = await authoritativeServers('example.org', lookup);
    expect(found.zone).toBe('example.org');
    expect(asked.filter((q) => q.startsWith('SOA '))).toEqual(['SOA example.org']);
  });

  it('finds the zone of a name that does not exist yet, through NXDOMAIN answers', async () => {
    const { lookup, asked } = dns(exampleOrg);
    const found = await authoritativeServers('new.sub.example.org', lookup);
    expect(found.zone).toBe('example.org');
    expect(found.servers).toHaveLength(3);
    expect(asked.filter((q) => q.startsWith('SOA '))).toEqual([
      'SOA new.sub.example.org',
      'SOA sub.example.org',
      'SOA example.org',
    ]);
  });

  it('finds no zone when no name up to the TLD has an SOA, and never asks the root', async () => {
    const { lookup, asked } = dns(exampleOrg);
    expect(await authoritativeServers('spf.nope.invalid', lookup)).toEqual({
      zone: undefined,
      servers: [],
      problems: ['no zone found for spf.nope.invalid: no SOA at it or any name above it (invalid: NXDOMAIN)'],
    });
    expect(asked).toEqual(['SOA spf.nope.invalid', 'SOA nope.invalid', 'SOA invalid']);
  });

  it('stops the walk at a failed question rather than guess a zone above it', async () => {
    // The suite's convention: a missing name starting with "error." times out.
    const { lookup, asked } = dns(exampleOrg);
    expect(await authoritativeServers('mx.error.example.org', lookup)).toEqual({
      zone: undefined,
      servers: [],
      problems: ['SOA error.example.org: timed out'],
    });
    expect(asked).not.toContain('SOA example.org');
  });

  it('names each name server it could not find an address for, and keeps the others', async () => {
    const { lookup } = dns({
      'example.org': [
        SOA,
        { NS: 'ns1.example.org' },
        { NS: 'text-only.example.org' },
        { NS: 'gone.example.org' },
        { NS: 'slow.example.org' },
      ],
      'ns1.example.org': [{ A: '192.0.2.53' }],
      'text-only.example.org': [{ TXT: 'not an address' }],
      'slow.example.org': ['TIMEOUT'],
    });
    expect(await authoritativeServers('example.org', lookup)).toEqual({
      zone: 'example.org',
      servers: [{ ns: 'ns1.example.org', address: '192.0.2.53' }],
      problems: [
        'gone.example.org: NXDOMAIN',
        'A slow.example.org: timed out',
        'AAAA slow.example.org: timed out',
        'text-only.example.org: no A or AAAA address',
      ],
    });
  });

  it('asks only the address types it is given', async () => {
    const { lookup, asked } = dns(exampleOrg);
    const found = await authoritativeServers('example.org', lookup, { types: ['A'] });
    expect(found.servers.map((s) => s.address)).toEqual(['192.0.2.53', '198.51.100.53']);
    expect(asked.some((q) => q.startsWith('AAAA '))).toBe(false);
    const v6 = await authoritativeServers('example.org', dns(exampleOrg).lookup, { types: ['AAAA'] });
    expect(v6.servers).toEqual([{ ns: 'ns1.example.org', address: '2001:db8::53' }]);
    expect(v6.problems).toEqual(['ns2.example.net: no AAAA address']);
  });

  it('reports a zone whose NS question fails', async () => {
    // The SOA answers before the timeout marker; NS, with nothing before it, times out.
    const { lookup } = dns({ 'slow.example': [{ SOA: 'x' }, 'TIMEOUT'] });
    expect(await authoritativeServers('www.slow.example', lookup)).toEqual({
      zone: 'slow.example',
      servers: [],
      problems: ['NS slow.example: timed out'],
    });
  });
});

describe('authoritativeAgreement', () => {
  const answer = (address: string, serial: number | undefined, record: string): AuthoritativeAnswer => ({
    ns: 'ns.example.org',
    address,
    server: `${address}:53`,
    serial,
    spf: serial === undefined ? { kind: 'error', error: new Error('x') } : { kind: 'none', void: true },
    record,
    problems: [],
  });

  it('tells serials, records and unanswered servers apart', () => {
    const a = answer('192.0.2.1', 2, 'v=spf1 -all');
    expect(authoritativeAgreement([a, answer('192.0.2.2', 2, 'v=spf1 -all')])).toEqual({
      answered: true,
      sameSerial: true,
      sameRecord: true,
    });
    expect(authoritativeAgreement([a, answer('192.0.2.2', 3, 'v=spf1 -all')])).toEqual({
      answered: true,
      sameSerial: false,
      sameRecord: true,
    });
    expect(authoritativeAgreement([a, answer('192.0.2.2', 2, 'v=spf1 ~all')]).sameRecord).toBe(false);
    expect(authoritativeAgreement([a, answer('192.0.2.2', undefined, '(timed out)')])).toEqual({
      answered: false,
      sameSerial: false,
      sameRecord: false,
    });
  });

  it('never calls no servers at all agreement', () => {
    expect(authoritativeAgreement([])).toEqual({ answered: false, sameSerial: false, sameRecord: false });
  });
});
