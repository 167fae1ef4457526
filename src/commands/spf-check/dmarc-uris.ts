import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

export type ReportTag = 'rua' | 'ruf';

/** One reporting URI of a DMARC rua= or ruf= tag (RFC 7489 6.2, 6.4). */
export interface ReportUri {
  tag: ReportTag;
  /** As the record writes it, with any !size suffix. */
  uri: string;
  /** Lower case; absent when the URI has none (a bare address, which is not a URI). */
  scheme?: string;
  /** The !size limit as written after the "!", e.g. "10m". */
  size?: string;
  /** The destination host: a mailto: address's domain, another URI's host; A-labels, lower case. */
  domain?: string;
}

const SIZE = /!([0-9]+[kmgt]?)$/i;
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/** The URIs of a rua= or ruf= value: comma-separated, so a comma inside a URI is %2C (RFC 7489 6.4). */
export function parseReportUris(tag: ReportTag, value: string): ReportUri[] {
  return value
    .split(',')
    .map((uri) => uri.trim())
    .filter(Boolean)
    .map((uri) => parseReportUri(tag, uri));
}

function parseReportUri(tag: ReportTag, uri: string): ReportUri {
  const size = SIZE.exec(uri)?.[1];
  const bare = size ? uri.slice(0, -size.length - 1) : uri;
  const scheme = SCHEME.exec(bare)?.[1]?.toLowerCase();
  const domain = scheme === 'mailto' ? mailtoDomain(bare.slice('mailto:'.length)) : urlHost(bare);
  return {
    tag,
    uri,
    ...(scheme ? { scheme } : {}),
    ...(size ? { size: size.toLowerCase() } : {}),
    ...(domain ? { domain } : {}),
  };
}

/** The domain of a mailto: URI's address, before any ?hfields; undefined for an address literal. */
function mailtoDomain(rest: string): string | undefined {
  let address = rest.split('?')[0] ?? '';
  try {
    address = decodeURIComponent(address);
  } catch {
    return undefined;
  }
  const at = address.lastIndexOf('@');
  return at > 0 ? dnsName(address.slice(at + 1)) : undefined;
}

function urlHost(uri: string): string | undefined {
  const host = URL.parse(uri)?.hostname;
  return host ? dnsName(host) : undefined;
}

/** A name as the DNS is asked it; undefined for an address literal or what no DNS name can be. */
function dnsName(host: string): string | undefined {
  if (host.startsWith('[') || isIP(host)) return undefined;
  return domainToASCII(host.replace(/\.$/, '')).toLowerCase() || undefined;
}
