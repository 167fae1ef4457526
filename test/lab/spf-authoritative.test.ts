import { createSocket, type Socket } from 'node:dgram';
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DnsLookup, serverLookup } from '../../src/checks/dns-client.js';
import {
  askAuthoritative,
  authoritativeAgreement,
  authoritativeServers,
  type AuthoritativeServer,
} from '../../src/checks/spf/authoritative.js';

const lab = inject('lab');
const port = lab.dns.port;
const ns1 = { ns: 'ns1.spf.test', address: '127.0.0.1' };
const ns2 = { ns: 'ns2.spf.test', address: '127.0.0.2' };

/** The lab's first Knot standing in for a recursive resolver: it serves spf.test and nothing above. */
const resolver = () =>
  serverLookup(lab.dns.server, { timeoutMs: 2000, signal: new AbortController().signal });

/** Every server of the zone asked about the domain, through the zone's NS set as `lookup` finds it. */
async function askAll(domain: string, lookup: DnsLookup = resolver().lookup, timeoutMs = 2000) {
  const found = await authoritativeServers(domain, lookup);
  const signal = new AbortController().signal;
  const answers = await Promise.all(
    found.servers.map((s) => askAuthoritative(found.zone ?? '', domain, s, { port, timeoutMs, signal })),
  );
  return { found, answers, agreement: authoritativeAgreement(answers) };
}

describe('authoritative servers of spf.test, asked directly (two Knots, one port)', () => {
  it('runs the second Knot as ns2: 127.0.0.2 at the first one’s port', () => {
    expect(lab.dnsNext.port).toBe(lab.dns.port);
    expect(lab.dns.server).toBe(`127.0.0.1:${port}`);
    expect(lab.dnsNext.server).toBe(`127.0.0.2:${port}`);
  });

  it('finds the zone from a name below its apex, and both name servers with their addresses', async () => {
    expect(await authoritativeServers('changing.spf.test', resolver().lookup)).toEqual({
      zone: 'spf.test',
      servers: [ns1, ns2],
      problems: [],
    });
  });

  it('sees the serials and a changed record differ between the servers', async () => {
    const { answers, agreement } = await askAll('changing.spf.test');
    expect(
      answers.map(({ server, serial, record, problems }) => ({ server, serial, record, problems })),
    ).toEqual([
      {
        server: lab.dns.server,
        serial: 2026120101,
        record: 'v=spf1 ip4:192.0.2.0/24 ~all',
        problems: [],
      },
      {
        server: lab.dnsNext.server,
        serial: 2026120102,
        record: 'v=spf1 ip4:192.0.2.0/24 include:_spf.provider.spf.test -all',
        problems: [],
      },
    ]);
    expect(agreement).toEqual({ answered: true, sameSerial: false, sameRecord: false });
  });

  it('agrees on a record both servers have, joined from its strings and without other TXT', async () => {
    const apex = await askAll('spf.test');
    expect(apex.answers.map((a) => a.record)).toEqual([
      'v=spf1 ip4:192.0.2.0/24 mx include:_spf.provider.spf.test ~all',
      'v=spf1 ip4:192.0.2.0/24 mx include:_spf.provider.spf.test ~all',
    ]);
    expect(apex.agreement).toEqual({ answered: true, sameSerial: false, sameRecord: true });
    const split = await askAll('split.spf.test');
    expect(new Set(split.answers.map((a) => a.record))).toEqual(
      new Set(['v=spf1 ip4:192.0.2.0/24 include:_spf.provider.spf.test -all']),
    );
  });

  it('says NXDOMAIN for a name no server has, and names the zone that says so', async () => {
    const { found, answers, agreement } = await askAll('nope.spf.test');
    expect(found.zone).toBe('spf.test');
    expect(answers.map((a) => [a.record, a.problems])).toEqual([
      ['(NXDOMAIN)', ['TXT nope.spf.test: NXDOMAIN']],
      ['(NXDOMAIN)', ['TXT nope.spf.test: NXDOMAIN']],
    ]);
    expect(agreement.sameRecord).toBe(true);
  });

  it('reports the walk’s failed question for a domain the resolver will not answer for', async () => {
    // Knot refuses names outside its zones: no zone, no servers to ask.
    expect(await authoritativeServers('spf.nowhere.invalid', resolver().lookup)).toEqual({
      zone: undefined,
      servers: [],
      problems: ['SOA spf.nowhere.invalid: refused'],
    });
  });

  it('gives an NS where nothing listens a problem of its own, and the others their answers', async () => {
    // Loopback answers a closed UDP port with ICMP port unreachable: refused at once, not timed out.
    const real = resolver().lookup;
    // The zone's NS set as a resolver would return it with a third server, at 127.0.0.3.
    const withDead: DnsLookup = async (name, type) => {
      if (type === 'NS' && name === 'spf.test')
        return [...((await real(name, type)) as string[]), 'ns3.spf.test'];
      if (name === 'ns3.spf.test') return type === 'A' ? ['127.0.0.3'] : Promise.reject(nodata());
      return real(name, type);
    };
    const started = Date.now();
    const { found, answers, agreement } = await askAll('spf.test', withDead, 800);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(found.servers.map((s) => s.address)).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3']);
    const dead = answers.find((a) => a.address === '127.0.0.3');
    expect(dead?.serial).toBeUndefined();
    expect(dead?.problems).toEqual(['SOA spf.test: connection refused', 'TXT spf.test: connection refused']);
    expect(answers.filter((a) => a.problems.length === 0).map((a) => a.server)).toEqual([
      lab.dns.server,
      lab.dnsNext.server,
    ]);
    expect(agreement.answered).toBe(false);
  });

  describe('a server that takes the question and never answers', () => {
    let silent: Socket;
    let silentPort: number;
    const server: AuthoritativeServer = { ns: 'ns-silent.spf.test', address: '127.0.0.3' };
    beforeAll(async () => {
      silent = createSocket('udp4');
      await new Promise<void>((resolve) => silent.bind(0, '127.0.0.3', resolve));
      silentPort = silent.address().port;
    });
    afterAll(() => silent.close());

    it('times out within the query timeout', async () => {
      const started = Date.now();
      const answer = await askAuthoritative('spf.test', 'spf.test', server, {
        port: silentPort,
        timeoutMs: 400,
        signal: new AbortController().signal,
      });
      expect(Date.now() - started).toBeLessThan(1500);
      expect(answer.server).toBe(`127.0.0.3:${silentPort}`);
      expect(answer.problems).toEqual(['SOA spf.test: timed out', 'TXT spf.test: timed out']);
      expect(answer.record).toBe('(timed out)');
    });

    it('ends promptly when the run aborts, and leaves no listener on the run’s signal', async () => {
      const run = new AbortController();
      const started = Date.now();
      const asking = askAuthoritative('spf.test', 'spf.test', server, {
        port: silentPort,
        timeoutMs: 10_000,
        signal: run.signal,
      });
      setTimeout(() => run.abort(), 150);
      const answer = await asking;
      expect(Date.now() - started).toBeLessThan(1500);
      expect(answer.problems).toEqual([
        'SOA spf.test: cancelled at the deadline',
        'TXT spf.test: cancelled at the deadline',
      ]);

      const poll = new AbortController();
      for (let i = 0; i < 12; i++)
        await askAuthoritative('spf.test', 'changing.spf.test', ns1, {
          port,
          timeoutMs: 2000,
          signal: poll.signal,
        });
      expect(getEventListeners(poll.signal, 'abort')).toHaveLength(0);
    });

    it('asks nothing once the run has aborted', async () => {
      const run = new AbortController();
      run.abort();
      const answer = await askAuthoritative('spf.test', 'spf.test', ns1, {
        port,
        timeoutMs: 2000,
        signal: run.signal,
      });
      expect(answer.serial).toBeUndefined();
      expect(answer.problems).toEqual([
        'SOA spf.test: cancelled at the deadline',
        'TXT spf.test: cancelled at the deadline',
      ]);
    });
  });
});

function nodata(): Error {
  return Object.assign(new Error('no data'), { code: 'ENODATA' });
}
