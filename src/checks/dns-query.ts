import { Resolver } from 'node:dns/promises';

/** One question to one server (ip or ip:port), one try within timeoutMs, cancelled on abort. */
export async function askServer(
  server: string,
  name: string,
  type: string,
  options: { timeoutMs: number; signal: AbortSignal },
): Promise<string[]> {
  const resolver = new Resolver({ timeout: options.timeoutMs, tries: 1 });
  resolver.setServers([server]);
  const cancel = () => resolver.cancel();
  options.signal.addEventListener('abort', cancel, { once: true });
  try {
    return normaliseAnswers(type, await resolver.resolve(name, type));
  } finally {
    options.signal.removeEventListener('abort', cancel);
  }
}

/** Answers as sorted text, comparable across servers: SOA as its serial, TXT joined, MX "prio host". */
export function normaliseAnswers(type: string, answer: unknown): string[] {
  if (type === 'SOA') return [String((answer as { serial: number }).serial)];
  const rows = answer as unknown[];
  return rows
    .map((row) => {
      if (typeof row === 'string') return row;
      if (Array.isArray(row)) return row.join('');
      const r = row as Record<string, unknown>;
      if (type === 'MX') return `${String(r.priority)} ${String(r.exchange)}`;
      if (type === 'SRV')
        return `${String(r.priority)} ${String(r.weight)} ${String(r.port)} ${String(r.name)}`;
      if (type === 'CAA')
        return `${String(r.critical)} ${Object.keys(r).find((k) => k !== 'critical') ?? ''}`;
      return JSON.stringify(r);
    })
    .sort();
}
