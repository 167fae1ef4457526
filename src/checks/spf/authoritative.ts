// Propagation at the source: a resolver's cache can hide a lagging authoritative server
// for a TTL, so each of the zone's name servers is asked directly.
import { describeDnsError, type DnsLookup, serverAddress, serverLookup } from '../dns-client.js';
import { type Fetched, fetchSpf, isVoid } from './record.js';

/** One address of one of the zone's name servers: an NS with A and AAAA is two, since either may lag. */
export interface AuthoritativeServer {
  ns: string;
  address: string;
}

export interface AuthoritativeServers {
  /** The closest name at or above the domain with an SOA; undefined when none was found. */
  zone: string | undefined;
  servers: AuthoritativeServer[];
  /** What kept the zone, or one of its servers, from being found: worded for the report. */
  problems: string[];
}

export type AddressType = 'A' | 'AAAA';

const code = (error: unknown) => (error as { code?: string }).code ?? '';
const canonical = (name: string) => name.toLowerCase().replace(/\.$/, '');

/**
 * The zone the domain is in, its NS names and their addresses, all asked through `lookup`
 * (a recursive resolver, usually), each question once. `types` leaves out an address
 * family the host cannot reach, where every server of it would only ever time out.
 */
export async function authoritativeServers(
  domain: string,
  lookup: DnsLookup,
  opts: { types?: readonly AddressType[] } = {},
): Promise<AuthoritativeServers> {
  const found = await findZone(canonical(domain), lookup);
  if (found.problem !== undefined) return { zone: undefined, servers: [], problems: [found.problem] };
  const zone = found.zone;
  let names: string[];
  try {
    names = [...new Set(((await lookup(zone, 'NS')) as string[]).map(canonical))].sort();
  } catch (error) {
    return { zone, servers: [], problems: [`NS ${zone}: ${describeDnsError(error)}`] };
  }
  if (names.length === 0) return { zone, servers: [], problems: [`NS ${zone}: no NS records`] };
  const types = opts.types ?? ['A', 'AAAA'];
  const each = await Promise.all(names.map(async (ns) => ({ ns, ...(await addresses(ns, types, lookup)) })));
  return {
    zone,
    servers: each.flatMap(({ ns, found }) => found.map((address) => ({ ns, address }))),
    problems: each.flatMap((n) => n.problems),
  };
}

async function findZone(
  domain: string,
  lookup: DnsLookup,
): Promise<{ zone: string; problem?: undefined } | { problem: string }> {
  const labels = domain.split('.');
  if (labels.some((label) => label === '')) return { problem: `${domain || '(empty)'}: not a domain name` };
  let last = '';
  for (let i = 0; i < labels.length; i++) {
    const name = labels.slice(i).join('.');
    try {
      await lookup(name, 'SOA');
      return { zone: name };
    } catch (error) {
      // Below the apex a resolver answers no data (ENODATA); a name that does not exist yet
      // still belongs to the zone above it, where it would be published.
      if (!isVoid(error)) return { problem: `SOA ${name}: ${describeDnsError(error)}` };
      last = `${name}: ${describeDnsError(error)}`;
    }
  }
  // The root is never asked: its servers are authoritative for every TLD, not for the domain.
  return { problem: `no zone found for ${domain}: no SOA at it or any name above it (${last})` };
}

async function addresses(
  ns: string,
  types: readonly AddressType[],
  lookup: DnsLookup,
): Promise<{ found: string[]; problems: string[] }> {
  type Answer = { type: AddressType; list: string[] } | { type: AddressType; error: unknown };
  const answers = await Promise.all(
    types.map((type) =>
      lookup(ns, type).then(
        (list): Answer => ({ type, list: list as string[] }),
        (error: unknown): Answer => ({ type, error }),
      ),
    ),
  );
  const found = [...new Set(answers.flatMap((a) => ('list' in a ? a.list : [])))].sort();
  const problems: string[] = [];
  for (const a of answers)
    if ('error' in a && !isVoid(a.error)) problems.push(`${a.type} ${ns}: ${describeDnsError(a.error)}`);
  if (found.length === 0 && problems.length === 0) {
    const nxdomain = answers.every((a) => 'error' in a && code(a.error) === 'ENOTFOUND');
    problems.push(`${ns}: ${nxdomain ? 'NXDOMAIN' : `no ${types.join(' or ')} address`}`);
  }
  return { found, problems };
}

/** What one authoritative server answered for the zone's SOA and the domain's TXT. */
export interface AuthoritativeAnswer extends AuthoritativeServer {
  /** The address and port asked: what a report names this server by. */
  server: string;
  /** The zone's SOA serial at this server; undefined when that question failed. */
  serial: number | undefined;
  /** The domain's v=spf1 records at this server, as fetchSpf reads them. */
  spf: Fetched;
  /** What is compared across servers: the one record, or in parentheses why there is not one. */
  record: string;
  problems: string[];
}

/**
 * Asks one server, directly and only it, for the zone's SOA serial and the domain's TXT:
 * both questions at once, each given timeoutMs, both cancelled when the signal aborts.
 * A server that answers without authority (a lame delegation to a resolver) cannot be
 * told apart through node:dns; one that refuses the zone answers "refused".
 */
export async function askAuthoritative(
  zone: string,
  domain: string,
  target: AuthoritativeServer,
  options: { port?: number; timeoutMs: number; signal: AbortSignal },
): Promise<AuthoritativeAnswer> {
  const server = serverAddress(target.address, options.port ?? 53);
  // The run's signal outlives this question, and serverLookup never lets go of a listener:
  // a signal of its own keeps polls from piling listeners onto the run's.
  const local = new AbortController();
  const relay = () => local.abort();
  if (options.signal.aborted) local.abort();
  else options.signal.addEventListener('abort', relay, { once: true });
  try {
    const dns = serverLookup(server, { timeoutMs: options.timeoutMs, signal: local.signal });
    const [soa, spf, nxdomain] = await Promise.all([
      dns.lookup(zone, 'SOA').then(
        (answer) => ({ serial: (answer as { serial: number }).serial }),
        (error: unknown) => ({ error }),
      ),
      fetchSpf(domain, dns.lookup),
      // serverLookup sends a name and type once: this is fetchSpf's TXT answer again, read for NXDOMAIN.
      dns.lookup(domain, 'TXT').then(
        () => false,
        (error: unknown) => code(error) === 'ENOTFOUND',
      ),
    ]);
    const problems: string[] = [];
    if ('error' in soa) problems.push(`SOA ${zone}: ${describeDnsError(soa.error)}`);
    if (spf.kind === 'error') problems.push(`TXT ${domain}: ${describeDnsError(spf.error)}`);
    else if (nxdomain) problems.push(`TXT ${domain}: NXDOMAIN`);
    return {
      ...target,
      server,
      serial: 'serial' in soa ? soa.serial : undefined,
      spf,
      record: served(spf, nxdomain),
      problems,
    };
  } finally {
    options.signal.removeEventListener('abort', relay);
  }
}

function served(spf: Fetched, nxdomain: boolean): string {
  if (spf.kind === 'error') return `(${describeDnsError(spf.error)})`;
  if (nxdomain) return '(NXDOMAIN)';
  if (spf.kind === 'none') return '(no v=spf1 record)';
  // Servers may rotate the order of a name's records; several are a permerror but still compared.
  const records = [...spf.records].sort();
  return records.length === 1
    ? (records[0] ?? '')
    : `(${records.length} v=spf1 records: ${records.join(' | ')})`;
}

export interface AuthoritativeAgreement {
  /** Every server answered both questions (an NXDOMAIN is an answer). */
  answered: boolean;
  sameSerial: boolean;
  sameRecord: boolean;
}

/** Whether the servers are in step; no servers at all is never agreement. */
export function authoritativeAgreement(answers: readonly AuthoritativeAnswer[]): AuthoritativeAgreement {
  const some = answers.length > 0;
  return {
    answered: some && answers.every((a) => a.serial !== undefined && a.spf.kind !== 'error'),
    sameSerial: some && new Set(answers.map((a) => a.serial)).size === 1,
    sameRecord: some && new Set(answers.map((a) => a.record)).size === 1,
  };
}
