const secrets = new Set<string>();

/** Registers a secret (password, API key) so no log line, error or report can print it. */
export function registerSecret(value: string | undefined): void {
  // Very short values would redact ordinary words; nobody uses a 1-3 character secret in production.
  if (value && value.length >= 4) secrets.add(value);
}

/** Replaces every registered secret, and the password part of URL userinfo, with "***". */
export function redact(text: string): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^@\s/]*@/gi, '$1***@');
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}
