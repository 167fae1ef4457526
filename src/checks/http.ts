import { isDeepStrictEqual } from 'node:util';
import type { Dispatcher } from 'undici';
import type { KubeClient } from './kubernetes.js';
import { podIPs } from './kubernetes.js';
import { type CheckContext, describeError, errored, failed, type Outcome, passed } from './outcome.js';

/** The value at a JSONPath (jsonpath-plus): the single match, or the list of matches. */
export async function jsonPathValue(path: string, json: unknown): Promise<unknown> {
  const { JSONPath } = await import('jsonpath-plus');
  const found: unknown[] = JSONPath<unknown[]>({ path, json: json as object, wrap: true });
  return found.length === 1 ? found[0] : found;
}

/** An undici dispatcher verifying against `ca` (else the system store), unless insecure. */
export async function httpDispatcher(tls: {
  ca?: string | undefined;
  insecure: boolean;
}): Promise<Dispatcher> {
  const { Agent } = await import('undici');
  return new Agent({ connect: { rejectUnauthorized: !tls.insecure, ...(tls.ca ? { ca: tls.ca } : {}) } });
}

export interface HttpOptions {
  /** As shown in reports; user:password@ in it is already in `headers` as Basic, and never sent. */
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Any of these is the expected answer (a 404 smoke request can be the healthy one). */
  statuses: number[];
  bodyContains?: string;
  json?: { path: string; equals: unknown }[];
  dispatcher: Dispatcher;
  /** The same request to every pod of a selector, pod IPs read from the Kubernetes API. */
  perPod?: { kube: KubeClient; namespace: string; selector: string; scheme: 'http' | 'https'; port?: number };
}

type Response = { url: string; status?: number; body?: string; error?: string; problem?: string };

/**
 * One request and its answer judged: the status, the body, JSONPath assertions. With perPod,
 * the same request to every pod. An answer that is not the one expected fails; no answer (or
 * no pod to ask) is an error.
 */
export async function httpCheck(options: HttpOptions, { signal }: CheckContext): Promise<Outcome> {
  const { request } = await import('undici');
  let urls = [options.url];
  if (options.perPod) {
    const { kube, namespace, selector, scheme, port } = options.perPod;
    let pods: { name: string; ip?: string }[];
    try {
      pods = await podIPs(kube, namespace, selector, signal);
    } catch (error) {
      return errored(describeError(error));
    }
    if (pods.length === 0) return errored(`no pods match ${selector} in ${namespace}`);
    const pending = pods.find((p) => !p.ip);
    if (pending) return errored(`pod ${pending.name} has no IP yet`);
    urls = pods.map((p) => {
      const url = new URL(options.url);
      url.protocol = `${scheme}:`;
      url.hostname = p.ip!;
      if (port) url.port = String(port);
      return url.toString();
    });
  }

  const ask = async (url: string): Promise<Response> => {
    const target = new URL(url);
    target.username = '';
    target.password = '';
    let response: Dispatcher.ResponseData;
    try {
      response = await request(target, {
        method: options.method,
        headers: options.headers,
        ...(options.body !== undefined ? { body: options.body } : {}),
        dispatcher: options.dispatcher,
        signal,
      });
    } catch (error) {
      return { url, error: describeError(error) };
    }
    const body = await response.body.text().catch((error: unknown) => ({ error: describeError(error) }));
    if (typeof body !== 'string') return { url, status: response.statusCode, error: body.error };
    // The server's own first words: often the reason (a proxy error, an auth failure).
    const said = body.trim().split('\n')[0]?.slice(0, 120) ?? '';
    const answer = { url, status: response.statusCode, ...(said ? { body: said } : {}) };
    if (!options.statuses.includes(response.statusCode))
      return {
        ...answer,
        problem: `HTTP ${response.statusCode}, expected ${options.statuses.join(' or ')}${said ? `: ${said}` : ''}`,
      };
    if (options.bodyContains !== undefined && !body.includes(options.bodyContains))
      return { ...answer, problem: `the body does not contain ${JSON.stringify(options.bodyContains)}` };
    if (options.json?.length) {
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return { ...answer, problem: `expected a JSON body, got ${JSON.stringify(body.slice(0, 60))}` };
      }
      for (const assertion of options.json) {
        const got = await jsonPathValue(assertion.path, json);
        if (!isDeepStrictEqual(got, assertion.equals))
          return {
            ...answer,
            problem: `${assertion.path} is ${JSON.stringify(got)}, expected ${JSON.stringify(assertion.equals)}`,
          };
      }
    }
    return answer;
  };

  const responses = await Promise.all(urls.map(ask));
  const details = {
    kind: 'http-responses' as const,
    responses: responses.map(({ url, status, body, error }) => ({
      url,
      ...(status === undefined ? {} : { status }),
      ...(body === undefined ? {} : { body }),
      ...(error === undefined ? {} : { error }),
    })),
  };
  const unanswered = responses.filter((r) => r.error);
  if (unanswered.length)
    return errored(unanswered.map((r) => `${r.url}: ${r.error ?? ''}`).join('; '), { details });
  const wrong = responses.filter((r) => r.problem);
  if (wrong.length) return failed(wrong.map((r) => `${r.url}: ${r.problem ?? ''}`).join('; '), { details });
  return passed(
    urls.length > 1
      ? `${urls.length} pods answered as expected`
      : `${options.method} ${options.url}: as expected`,
    { details },
  );
}
