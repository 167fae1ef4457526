import { askServer } from '../../../checks/dns-client.js';
import type { KindOf } from '../schema.js';
import { httpDispatcher, jsonPathValue } from './http.js';
import { describeError, failed, passed, type Probe } from './types.js';

/** The same value from every target: a JSONPath over HTTP, or a DNS answer (SOA: the serial). */
export async function parityProbe(spec: KindOf<'parity'>): Promise<Probe> {
  const { request } = await import('undici');
  const dispatcher = spec.http
    ? await httpDispatcher(spec.http, `checks.${spec.name}.http.ca-file`)
    : undefined;
  const targets = spec.http?.urls ?? spec.dns?.servers ?? [];
  const valueOf = async (target: string, signal: AbortSignal, timeoutMs: number): Promise<string> => {
    if (spec.dns)
      return (await askServer(target, spec.dns.query, spec.dns.type, { timeoutMs, signal })).join(', ');
    const response = await request(target, { dispatcher, signal });
    const body = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
    return JSON.stringify(await jsonPathValue(spec.http?.path ?? '$', JSON.parse(body)));
  };
  return async ({ signal, timeoutMs }) => {
    const values = await Promise.all(
      targets.map((target) =>
        valueOf(target, signal, timeoutMs).then(
          (value) => ({ target, value, ok: true }),
          (error: unknown) => ({ target, value: describeError(error), ok: false }),
        ),
      ),
    );
    const shown = values.map((v) => `${v.target}: ${v.ok ? v.value : `error ${v.value}`}`).join(' | ');
    if (values.some((v) => !v.ok)) return failed(shown);
    return new Set(values.map((v) => v.value)).size === 1
      ? passed(`all ${values.length} agree: ${values[0]?.value ?? ''}`)
      : failed(`disagree: ${shown}`);
  };
}
