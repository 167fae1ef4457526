import { getAlignment } from 'mailauth/lib/tools.js';
import type { DnsLookup } from '../../checks/dns-client.js';
import { describeDnsError } from '../../checks/dns-client.js';
import { parseReportUris, type ReportUri } from './dmarc-uris.js';

/**
 * unauthorized: an external destination without a v=DMARC1 authorization; temperror: the
 * authorization query failed; unsupported: not a mailto: URI; invalid: not a URI, or no domain.
 */
export type DestinationProblem = 'unauthorized' | 'temperror' | 'unsupported' | 'invalid';

/** A report destination and whether receivers will send reports there. */
export interface ReportDestination extends ReportUri {
  /** Its organisational domain differs from the policy domain's (Public Suffix List, RFC 7489 3.2). */
  external?: boolean;
  /** For an external mailto: destination: <policy domain>._report._dmarc.<domain>, the name asked. */
  authorization?: string;
  /** Whether that name holds a v=DMARC1 record; absent when the query failed. */
  authorized?: boolean;
  problem?: { kind: DestinationProblem; message: string };
}

// The version tag as mailauth matches it in a policy record: the tag name in any case, the value exact.
const VERSION = /^[vV][ \t]*=[ \t]*DMARC1[ \t]*(?:;|$)/;
// A name that cannot exist (EBADNAME) cannot hold an authorization either.
const NO_RECORD = new Set(['ENOTFOUND', 'ENODATA', 'EBADNAME']);

/**
 * Every rua= and ruf= destination of a policy record, external ones verified as RFC 7489 7.1
 * says: the name asked starts with the domain the policy was retrieved from, so a subdomain
 * relying on its organisational domain's record needs that domain's authorization, not its own.
 */
export async function checkDestinations(
  policyDomain: string,
  tags: { rua?: string | undefined; ruf?: string | undefined },
  lookup: DnsLookup,
): Promise<ReportDestination[]> {
  const uris = [...parseReportUris('rua', tags.rua ?? ''), ...parseReportUris('ruf', tags.ruf ?? '')];
  return Promise.all(uris.map((uri) => checkDestination(policyDomain, uri, lookup)));
}

async function checkDestination(
  policyDomain: string,
  uri: ReportUri,
  lookup: DnsLookup,
): Promise<ReportDestination> {
  const where = `${uri.tag} ${uri.uri}`;
  const problem = (kind: DestinationProblem, message: string) => ({ kind, message: `${where}: ${message}` });
  if (!uri.scheme)
    return { ...uri, problem: problem('invalid', 'not a URI; an address is written mailto:<address>') };
  if (uri.scheme !== 'mailto')
    return {
      ...uri,
      problem: problem(
        'unsupported',
        `not checked: receivers need only support mailto: URIs (RFC 7489 6.2), not ${uri.scheme}:`,
      ),
    };
  if (!uri.domain) return { ...uri, problem: problem('invalid', 'no domain in the address') };
  if (getAlignment(policyDomain, [uri.domain], false)) return { ...uri, external: false };
  const authorization = `${policyDomain}._report._dmarc.${uri.domain}`;
  const unauthorized = {
    ...uri,
    external: true,
    authorization,
    authorized: false,
    problem: problem(
      'unauthorized',
      `${uri.domain} has not authorized ${policyDomain} (no v=DMARC1 at ${authorization})`,
    ),
  };
  try {
    const rows = (await lookup(authorization, 'TXT')) as unknown[];
    const texts = rows.map((row) => (Array.isArray(row) ? row.join('') : String(row)).trim());
    return texts.some((text) => VERSION.test(text))
      ? { ...uri, external: true, authorization, authorized: true }
      : unauthorized;
  } catch (error) {
    if (NO_RECORD.has((error as { code?: string }).code ?? '')) return unauthorized;
    return {
      ...uri,
      external: true,
      authorization,
      problem: problem('temperror', `TXT ${authorization}: ${describeDnsError(error)} (temperror)`),
    };
  }
}
