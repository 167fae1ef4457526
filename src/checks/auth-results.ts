export interface AuthVerdicts {
  authservId: string;
  /** method -> result, e.g. spf -> pass; the first result per method counts. */
  results: Record<string, string>;
}

/** One Authentication-Results header (RFC 8601): authserv-id, then "; method=result ..." clauses. */
export function parseAuthResults(value: string): AuthVerdicts {
  // Comments may hold ";" or "=": drop them first (non-nested, as senders write them).
  const clean = value.replace(/\([^)]*\)/g, ' ');
  const [head = '', ...clauses] = clean.split(';');
  const results: Record<string, string> = {};
  for (const part of clauses) {
    const match = /^\s*([a-z0-9-]+)\s*=\s*([a-z0-9-]+)/i.exec(part);
    if (!match) continue;
    const method = (match[1] ?? '').toLowerCase();
    if (method !== 'none' && !(method in results)) results[method] = (match[2] ?? '').toLowerCase();
  }
  return { authservId: head.trim().split(/\s+/)[0] ?? '', results };
}

/**
 * The verdicts the receiving server recorded. Only its own header counts: a
 * sender can forge Authentication-Results, so with an authserv-id only a header
 * with that id is trusted, and without one only the topmost (added last).
 */
export function trustedVerdicts(valuesTopFirst: string[], authservId?: string): AuthVerdicts | undefined {
  const parsed = valuesTopFirst.map(parseAuthResults);
  if (authservId) return parsed.find((v) => v.authservId.toLowerCase() === authservId.toLowerCase());
  return parsed[0];
}
