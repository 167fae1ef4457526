import getDmarcRecord from 'mailauth/lib/dmarc/get-dmarc-record.js';
import type { DnsLookup } from '../../checks/dns-client.js';
import { describeDnsError } from '../../checks/dns-client.js';
import { checkDestinations, type ReportDestination } from './dmarc-destinations.js';

export interface DmarcRecord {
  p: string;
  sp?: string;
  /** The policy for non-existent subdomains (RFC 9989). */
  np?: string;
  pct?: number;
  rua?: string;
  ruf?: string;
  adkim: 'r' | 's';
  aspf: 'r' | 's';
  /** The name the record was found at: _dmarc.<domain>, or the organisational domain's. */
  at: string;
  text: string;
  /** Every rua= and ruf= URI, external ones checked for the destination's authorization. */
  destinations: ReportDestination[];
}

export interface DmarcView {
  record?: DmarcRecord;
  problem?: string;
}

/** _dmarc.<domain> (or its organisational domain's, RFC 9989), parsed by mailauth in strict mode. */
export async function fetchDmarc(domain: string, lookup: DnsLookup): Promise<DmarcView> {
  try {
    const found = await getDmarcRecord(domain, lookup, { strict: true });
    if (!found) return { problem: `no DMARC record at _dmarc.${domain} or its organisational domain` };
    const text = typeof found.rr === 'string' ? found.rr : '';
    const tag = (name: string) => {
      const value = found[name];
      return typeof value === 'string' ? value : undefined;
    };
    const at = tag('recordDomain') ?? domain;
    const destinations = await checkDestinations(at, { rua: tag('rua'), ruf: tag('ruf') }, lookup);
    const pct =
      typeof found.pct === 'number' || typeof found.pct === 'string' ? Number(found.pct) : undefined;
    return {
      record: {
        p: tag('p') ?? 'none',
        ...(tag('sp') ? { sp: tag('sp') } : {}),
        ...(tag('np') ? { np: tag('np') } : {}),
        ...(pct === undefined || Number.isNaN(pct) ? {} : { pct }),
        ...(tag('rua') ? { rua: tag('rua') } : {}),
        ...(tag('ruf') ? { ruf: tag('ruf') } : {}),
        adkim: tag('adkim') === 's' ? 's' : 'r',
        aspf: tag('aspf') === 's' ? 's' : 'r',
        at: `_dmarc.${at}`,
        text,
        destinations,
      },
    };
  } catch (error) {
    return { problem: `_dmarc.${domain}: ${describeDnsError(error)}` };
  }
}

/** The destinations that keep reports from arriving: unauthorized ones, then those not verified. */
export function failingDestinations(record: DmarcRecord | undefined): ReportDestination[] {
  const all = record?.destinations ?? [];
  return [
    ...all.filter((d) => d.problem?.kind === 'unauthorized'),
    ...all.filter((d) => d.problem?.kind === 'temperror'),
  ];
}
