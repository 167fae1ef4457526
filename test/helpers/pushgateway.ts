import { request } from 'undici';

/** Empties the lab Pushgateway (admin API) so tests do not see each other's groups. */
export async function wipe(url: string): Promise<void> {
  const response = await request(`${url}/api/v1/admin/wipe`, { method: 'PUT' });
  await response.body.dump();
  if (response.statusCode !== 202) throw new Error(`wipe: HTTP ${response.statusCode}`);
}

/** The samples of one family as /metrics serves them, keyed by their label text. */
export async function scrape(url: string, family: string): Promise<Map<string, number>> {
  const response = await request(`${url}/metrics`);
  const text = await response.body.text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)(?: (\S+))?$/.exec(line);
    if (match && match[1] === family) samples.set(match[2] ?? '', Number(match[3]));
  }
  return samples;
}
