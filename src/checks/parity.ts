import type { Dispatcher } from 'undici';
import { askServer } from './dns-client.js';
import { jsonPathValue } from './http.js';
import { type CheckContext, describeError, errored, failed, type Outcome, passed } from './outcome.js';

export interface ParityOptions {
  /** N JSON documents over HTTP, compared at one JSONPath. */
  http?: { urls: string[]; path: string; dispatcher: Dispatcher };
  /** One question asked of N DNS servers; SOA compares the serial. */
  dns?: { servers: string[]; query: string; type: string };
}

/** The same value from every target (zone counts across DNS instances): unequal fails; a target that does not answer is an error. */
export async function parityCheck(
  options: ParityOptions,
  { signal, timeoutMs }: CheckContext,
): Promise<Outcome> {
  const { request } = await import('undici');
  const targets = options.http?.urls ?? options.dns?.servers ?? [];
  const valueOf = async (target: string): Promise<string> => {
    if (options.dns)
      return (await askServer(target, options.dns.query, options.dns.type, { timeoutMs, signal })).join(', ');
    const response = await request(target, {
      ...(options.http ? { dispatcher: options.http.dispatcher } : {}),
      signal,
    });
    const body = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
    return JSON.stringify(await jsonPathValue(options.http?.path ?? '$', JSON.parse(body)));
  };
  const values = await Promise.all(
    targets.map((target) =>
      valueOf(target).then(
        (value) => ({ target, value }),
        (error: unknown) => ({ target, error: describeError(error) }),
      ),
    ),
  );
  const details = { kind: 'parity' as const, values };
  const shown = values.map((v) => `${v.target}: ${'value' in v ? v.value : `error ${v.error}`}`).join(' | ');
  if (values.some((v) => 'error' in v)) return errored(shown, { details });
  const distinct = new Set(values.map((v) => ('value' in v ? v.value : '')));
  return distinct.size === 1
    ? passed(`all ${values.length} agree: ${[...distinct][0] ?? ''}`, { details })
    : failed(`disagree: ${shown}`, { details });
}
