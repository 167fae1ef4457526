import { describe, expect, it } from 'vitest';
import { checkDestinations } from '../../src/commands/spf-check/dmarc-destinations.js';
import { parseReportUris } from '../../src/commands/spf-check/dmarc-uris.js';
import type { DnsLookup } from '../../src/checks/dns-client.js';

const dnsError = (code: string) => Object.assign(new Error(code), { code });

/** TXT answers by name as node:dns gives them (string[][]); a name mapped to a code throws it. */
const zone =
  (names: Record<string, string[] | string>): DnsLookup =>
  (name, type) => {
    const answer = type === 'TXT' ? names[name] : undefined;
    if (answer === undefined) return Promise.reject(dnsError('ENOTFOUND'));
    if (typeof answer === 'string') return Promise.reject(dnsError(answer));
    return Promise.resolve(answer.map((text) => [text]));
  };

describe('DMARC rua= and ruf= URIs (RFC 7489 6.2, 6.4)', () => {
  it('splits on commas, keeps the URI as written, and takes the !size suffix apart', () => {
    expect(parseReportUris('ruf', ' mailto:a@Example.ORG!10m , mailto:b@example.net!20 ')).toEqual([
      { tag: 'ruf', uri: 'mailto:a@Example.ORG!10m', scheme: 'mailto', size: '10m', domain: 'example.org' },
      { tag: 'ruf', uri: 'mailto:b@example.net!20', scheme: 'mailto', size: '20', domain: 'example.net' },
    ]);
    expect(parseReportUris('rua', '')).toEqual([]);
  });

  it('takes the domain after the last @, before any ?hfields, percent-decoded and as A-labels', () => {
    const domains = (value: string) => parseReportUris('rua', value).map((u) => u.domain);
    expect(domains('MAILTO:dmarc%2Breports@reports.example.?subject=x')).toEqual(['reports.example']);
    expect(domains('mailto:%22a@b%22@example.org')).toEqual(['example.org']);
    expect(domains('mailto:d@bücher.example')).toEqual(['xn--bcher-kva.example']);
    expect(domains('mailto:d@[192.0.2.1],mailto:nobody,mailto:d@%zz')).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('gives other schemes their host, and a bare address no scheme', () => {
    expect(parseReportUris('rua', 'https://reports.example/dmarc,dmarc@example.org')).toEqual([
      { tag: 'rua', uri: 'https://reports.example/dmarc', scheme: 'https', domain: 'reports.example' },
      { tag: 'rua', uri: 'dmarc@example.org' },
    ]);
  });
});

describe('DMARC report destinations (RFC 7489 7.1)', () => {
  it('asks nothing for destinations in the organisational domain, by the Public Suffix List', async () => {
    const asked: string[] = [];
    const lookup: DnsLookup = (name) => {
      asked.push(name);
      return Promise.reject(dnsError('ENOTFOUND'));
    };
    const d = await checkDestinations(
      'mail.example.co.uk',
      { rua: 'mailto:a@example.co.uk,mailto:b@reports.example.co.uk' },
      lookup,
    );
    expect(d.map((x) => x.external)).toEqual([false, false]);
    expect(d.every((x) => x.problem === undefined)).toBe(true);
    expect(asked).toEqual([]);
    // co.uk is a public suffix: another name under it is another organisation.
    const other = await checkDestinations('example.co.uk', { rua: 'mailto:a@other.co.uk' }, lookup);
    expect(other[0]).toMatchObject({ external: true, authorized: false });
  });

  it('authorizes by a v=DMARC1 record at <policy domain>._report._dmarc.<destination>', async () => {
    const lookup = zone({
      'example.org._report._dmarc.reports.example': ['v=DMARC1; rua=mailto:x@reports.example'],
      'example.org._report._dmarc.spf.example': ['v=spf1 -all', 'some v=DMARC1'],
      'example.org._report._dmarc.broken.example': 'ESERVFAIL',
    });
    const d = await checkDestinations(
      'example.org',
      {
        rua: 'mailto:a@reports.example,mailto:a@nowhere.example',
        ruf: 'mailto:f@spf.example!1m,mailto:f@broken.example',
      },
      lookup,
    );
    expect(d[0]).toEqual({
      tag: 'rua',
      uri: 'mailto:a@reports.example',
      scheme: 'mailto',
      domain: 'reports.example',
      external: true,
      authorization: 'example.org._report._dmarc.reports.example',
      authorized: true,
    });
    expect(d[1]).toMatchObject({
      authorized: false,
      problem: {
        kind: 'unauthorized',
        message:
          'rua mailto:a@nowhere.example: nowhere.example has not authorized example.org (no v=DMARC1 at example.org._report._dmarc.nowhere.example)',
      },
    });
    // TXT records that do not start with v=DMARC1 are no authorization.
    expect(d[2]).toMatchObject({
      tag: 'ruf',
      size: '1m',
      authorized: false,
      problem: { kind: 'unauthorized' },
    });
    // A failed query leaves the authorization unknown: temperror, not "unauthorized".
    expect(d[3]).toEqual({
      tag: 'ruf',
      uri: 'mailto:f@broken.example',
      scheme: 'mailto',
      domain: 'broken.example',
      external: true,
      authorization: 'example.org._report._dmarc.broken.example',
      problem: {
        kind: 'temperror',
        message:
          'ruf mailto:f@broken.example: TXT example.org._report._dmarc.broken.example: SERVFAIL (temperror)',
      },
    });
  });

  it('counts NODATA as no authorization, and checks neither other schemes nor bare addresses', async () => {
    const lookup = zone({ 'example.org._report._dmarc.reports.example': 'ENODATA' });
    const d = await checkDestinations(
      'example.org',
      { rua: 'mailto:a@reports.example,https://reports.example/r,dmarc@reports.example,mailto:' },
      lookup,
    );
    expect(d.map((x) => [x.problem?.kind, x.authorization])).toEqual([
      ['unauthorized', 'example.org._report._dmarc.reports.example'],
      ['unsupported', undefined],
      ['invalid', undefined],
      ['invalid', undefined],
    ]);
  });
});
