import { isDeepStrictEqual } from 'node:util';
import { kubeClient } from '../../../checks/kubernetes.js';
import { readCaFile } from '../../../config/secrets.js';
import { UsageError } from '../../../errors.js';
import { registerCredentials, registerSecret } from '../../../output/redact.js';
import type { Dispatcher } from 'undici';
import type { KindOf } from '../schema.js';
import { describeError, failed, passed, type Probe } from './types.js';

/** The value at a JSONPath (jsonpath-plus): the single match, or the list of matches. */
export async function jsonPathValue(path: string, json: unknown): Promise<unknown> {
  const { JSONPath } = await import('jsonpath-plus');
  const found: unknown[] = JSONPath<unknown[]>({ path, json: json as object, wrap: true });
  return found.length === 1 ? found[0] : found;
}

/** An undici dispatcher with the check's TLS settings. */
export async function httpDispatcher(
  spec: { 'ca-file'?: string | undefined; insecure?: boolean | undefined },
  field: string,
) {
  const { Agent } = await import('undici');
  const ca = await readCaFile(spec['ca-file'], field);
  return new Agent({ connect: { rejectUnauthorized: spec.insecure !== true, ...(ca ? { ca } : {}) } });
}

/**
 * One request (any expected status: a 404 can be the healthy answer), its body and
 * JSONPath assertions; with per-pod, the same request to every pod of a selector.
 */
export async function httpProbe(spec: KindOf<'http'>, env: NodeJS.ProcessEnv): Promise<Probe> {
  const { request } = await import('undici');
  const dispatcher = await httpDispatcher(spec, `checks.${spec.name}.ca-file`);
  const statuses = [spec['expect-status']].flat();
  const headers: Record<string, string> = { ...spec.headers };
  for (const [header, variable] of Object.entries(spec['headers-from-env'] ?? {})) {
    const value = env[variable];
    if (!value)
      throw new UsageError(
        `checks.${spec.name}.headers-from-env.${header}: expected ${variable} to be set, got nothing`,
      );
    registerSecret(value);
    // "Bearer <token>": a server may quote the token alone.
    registerSecret(/^\S+ (\S+)$/.exec(value)?.[1]);
    headers[header] = value;
  }
  // user:password@ in the URL is HTTP Basic, as curl takes it; the URL is shown as written (masked).
  const written = new URL(spec.url);
  if (written.username || written.password) {
    const user = decodeURIComponent(written.username);
    const password = decodeURIComponent(written.password);
    registerCredentials(user, password);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'authorization'))
      headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  const perPod = spec['per-pod'];
  const kube = perPod ? await kubeClient(perPod, env) : undefined;

  /** What is wrong with one answer, or undefined; `url` as shown, sent without its userinfo. */
  const once = async (url: string, signal: AbortSignal): Promise<string | undefined> => {
    const target = new URL(url);
    target.username = '';
    target.password = '';
    let response: Dispatcher.ResponseData;
    try {
      response = await request(target, {
        method: spec.method,
        headers,
        ...(spec.body !== undefined ? { body: spec.body } : {}),
        dispatcher,
        signal,
      });
    } catch (error) {
      return `${url}: ${describeError(error)}`;
    }
    const body = await response.body.text();
    if (!statuses.includes(response.statusCode)) {
      // The server's own first words on it: often the reason (a proxy error, an auth failure).
      const said = body.trim().split('\n')[0]?.slice(0, 120);
      return `${url}: HTTP ${response.statusCode}, expected ${statuses.join(' or ')}${said ? `: ${said}` : ''}`;
    }
    if (spec['body-contains'] !== undefined && !body.includes(spec['body-contains']))
      return `${url}: the body does not contain ${JSON.stringify(spec['body-contains'])}`;
    if (spec.json?.length) {
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return `${url}: expected a JSON body, got ${JSON.stringify(body.slice(0, 60))}`;
      }
      for (const assertion of spec.json) {
        const got = await jsonPathValue(assertion.path, json);
        if (!isDeepStrictEqual(got, assertion.equals))
          return `${url}: ${assertion.path} is ${JSON.stringify(got)}, expected ${JSON.stringify(assertion.equals)}`;
      }
    }
    return undefined;
  };

  return async ({ signal }) => {
    let urls = [spec.url];
    try {
      if (perPod && kube) {
        const pods = await kube.get(
          `/api/v1/namespaces/${encodeURIComponent(perPod.namespace)}/pods?labelSelector=${encodeURIComponent(perPod.selector)}`,
          { signal },
        );
        const items = Array.isArray(pods.items)
          ? (pods.items as Record<string, Record<string, unknown>>[])
          : [];
        if (items.length === 0) return failed(`no pods match ${perPod.selector} in ${perPod.namespace}`);
        const missing = items.filter((p) => typeof p.status?.podIP !== 'string');
        if (missing.length) return failed(`pod ${String(missing[0]?.metadata?.name)} has no IP yet`);
        urls = items.map((p) => {
          const url = new URL(spec.url);
          url.protocol = `${perPod.scheme}:`;
          url.hostname = String(p.status?.podIP);
          if (perPod.port) url.port = String(perPod.port);
          return url.toString();
        });
      }
      const problems = (await Promise.all(urls.map((url) => once(url, signal)))).filter(Boolean);
      if (problems.length) return failed(problems.join('; '));
      return passed(
        urls.length > 1
          ? `${urls.length} pods answered as expected`
          : `${spec.method} ${spec.url}: as expected`,
      );
    } catch (error) {
      return failed(describeError(error));
    }
  };
}
