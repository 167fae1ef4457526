import { clientTimeout, haproxyTime, IMAP_IDLE_MS, serverTimeout, SMTP_MIN_MS } from './defaults.js';
import { type BootstrapSpec, isImap, isSmtp, isWildcard, protocolOf } from './spec-file.js';

/** What works but bites later on a mail firewall: wildcard binds, timeouts that cut IMAP IDLE or slow SMTP, no health check. */
export function lintSpec(spec: BootstrapSpec): string[] {
  const warnings: string[] = [];
  for (const f of spec.frontends) {
    const protocol = protocolOf(f);
    const backend = spec.backends.find((b) => b.name === f.backend);
    const shortest = Math.min(clientTimeout(f), backend ? serverTimeout(backend, spec) : Infinity);
    if (isWildcard(f.bind.address))
      warnings.push(
        `frontend ${f.name} binds every address (${f.bind.address || '*'}): on a firewall, bind the WAN or VIP address`,
      );
    if (isImap(protocol) && shortest < IMAP_IDLE_MS)
      warnings.push(
        `frontend ${f.name}: a ${haproxyTime(shortest)} timeout cuts IMAP IDLE (clients re-IDLE every 29 min; use at least 31m)`,
      );
    if (isSmtp(protocol) && shortest <= SMTP_MIN_MS)
      warnings.push(
        `frontend ${f.name}: a ${haproxyTime(shortest)} timeout can cut slow SMTP (RFC 5321 waits up to 10 min after DATA)`,
      );
  }
  for (const b of spec.backends) {
    if (b.check.type === 'none')
      warnings.push(`backend ${b.name} has no health check: a dead server keeps getting connections`);
  }
  return warnings;
}
