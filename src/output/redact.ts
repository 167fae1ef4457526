import { escapeXml } from './xml-escape.js';

const secrets = new Set<string>();
/** Longest first, so that no shorter secret cuts into a longer one before it is matched. */
let ordered: string[] = [];
const add = (form: string) => {
  if (secrets.has(form)) return;
  secrets.add(form);
  ordered = [...secrets].sort((a, b) => b.length - a.length);
};

/**
 * The forms a secret takes on the wire and in what servers echo back: as is, JSON-escaped (an
 * API's error body), XML-escaped, percent-encoded (a URL), base64 (SMTP AUTH LOGIN).
 */
function spellings(value: string): string[] {
  return [
    value,
    JSON.stringify(value).slice(1, -1),
    escapeXml(value),
    encodeURIComponent(value),
    Buffer.from(value).toString('base64'),
  ];
}

/** Registers a secret (password, API key) so no log line, error or report can print it, in any of its spellings. */
export function registerSecret(value: string | undefined): void {
  // Very short values would redact ordinary words; nobody uses a 1-3 character secret in production.
  if (!value || value.length < 4) return;
  for (const form of spellings(value)) add(form);
}

/**
 * Registers a user's password and the tokens built from the pair, which a server may quote back
 * in an error: SASL PLAIN (SMTP AUTH, IMAP AUTHENTICATE) and HTTP Basic.
 */
export function registerCredentials(user: string, password: string | undefined): void {
  if (!password) return;
  registerSecret(password);
  for (const token of [`\0${user}\0${password}`, `${user}\0${user}\0${password}`, `${user}:${password}`])
    add(Buffer.from(token).toString('base64'));
}

/** Replaces every registered secret, and the password part of URL userinfo, with "***". */
export function redact(text: string): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^@\s/]*@/gi, '$1***@');
  for (const secret of ordered) if (out.includes(secret)) out = out.split(secret).join('***');
  return out;
}

/**
 * Every string in a value redacted: for output formats that escape text (JSON, XML, Prometheus
 * labels), where a secret with a quote or a backslash would no longer match once escaped.
 */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  return value;
}
