/** SNI for a host: none for an IP address (RFC 6066 allows only DNS names there). */
export function serverName(host: string): string | undefined {
  return /^[\d.]+$|:/.test(host) ? undefined : host;
}

/**
 * Certificate verification as the operator asked for it: on, against --ca-file
 * when given (else the system store), off only with an explicit --insecure.
 */
export function verification(endpoint: { insecure: boolean; ca?: string }): {
  rejectUnauthorized: boolean;
  ca?: string;
} {
  return { rejectUnauthorized: !endpoint.insecure, ...(endpoint.ca ? { ca: endpoint.ca } : {}) };
}
