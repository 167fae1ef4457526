import { type Backend, type BootstrapSpec, type Frontend, isImap, isSmtp, protocolOf } from './spec-file.js';

const MINUTE = 60_000;
/** IMAP clients re-issue IDLE every 29 minutes (RFC 2177): a timeout must outlast that. */
export const IMAP_IDLE_MS = 31 * MINUTE;
/** RFC 5321 §4.5.3.2: a client waits up to 10 minutes for the reply to the end of DATA. */
export const SMTP_MIN_MS = 300_000;

const defaultFor = (f: Frontend) => {
  const protocol = protocolOf(f);
  return isImap(protocol) ? 35 * MINUTE : isSmtp(protocol) ? 10 * MINUTE : 5 * MINUTE;
};

export const clientTimeout = (f: Frontend) => f.timeouts.client ?? defaultFor(f);

/** A backend's server timeout: given, or the longest its frontends need. */
export function serverTimeout(backend: Backend, spec: BootstrapSpec): number {
  if (backend.timeouts.server !== undefined) return backend.timeouts.server;
  const users = spec.frontends.filter((f) => f.backend === backend.name);
  return Math.max(5 * MINUTE, ...users.map(defaultFor));
}

export const connectTimeout = (backend: Backend) => backend.timeouts.connect ?? 5_000;

/** HAProxy time format: the largest unit that states the value exactly. */
export function haproxyTime(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', MINUTE],
    ['s', 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
