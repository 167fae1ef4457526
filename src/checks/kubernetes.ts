import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { registerSecret } from '../output/redact.js';
import { describeError, errored, type Outcome } from './outcome.js';

/** A read-only Kubernetes API client: objects, lists and discovery. */
export interface KubeClient {
  server: string;
  /** GET an API path; the parsed JSON, or an error carrying the HTTP status. */
  get(path: string, options: { signal: AbortSignal }): Promise<Record<string, unknown>>;
  /** The resource serving a kind, found through discovery (once per group version), as kubectl finds it. */
  resource(
    apiVersion: string,
    kind: string,
    options: { signal: AbortSignal },
  ): Promise<ApiResource | undefined>;
}

export interface ApiResource {
  /** The path of its collection without a namespace: /api/v1/pods, /apis/batch/v1/jobs. */
  base: string;
  plural: string;
  namespaced: boolean;
}

/**
 * How clients are shared by the checks of one run: answers younger than `cacheMs` (the gate's
 * interval) are reused, and a request in flight is joined, so however many checks read an
 * object the API is asked for it at most once per interval. Shared requests end with the run
 * (`signal`); each caller still stops waiting at its own attempt's end.
 */
export interface KubeSharing {
  cacheMs: number;
  signal: AbortSignal;
}

export class KubeApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

type Json = Record<string, unknown>;
const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

const named = (list: unknown, name: string, what: string, file: string): Json => {
  const item = (Array.isArray(list) ? (list as Json[]) : []).find((i) => i.name === name);
  if (!item)
    throw new UsageError(`${file}: ${what}: expected an entry named ${JSON.stringify(name)}, got none`);
  return (item[what.replace(/s$/, '')] ?? {}) as Json;
};

async function fileOrData(data: unknown, path: unknown): Promise<string | undefined> {
  if (typeof data === 'string') return Buffer.from(data, 'base64').toString('utf8');
  if (typeof path === 'string') return readFile(path, 'utf8');
  return undefined;
}

/**
 * The API server and credentials: a kubeconfig (the given file, $KUBECONFIG, or
 * ~/.kube/config) at its current context or the one named; else the in-cluster
 * service account. Bearer tokens and client certificates; exec plugins are not run.
 */
export async function kubeClient(
  options: { kubeconfig?: string | undefined; context?: string | undefined },
  env: NodeJS.ProcessEnv,
  sharing?: KubeSharing,
): Promise<KubeClient> {
  const file =
    options.kubeconfig ??
    env.KUBECONFIG?.split(':')[0] ??
    (env.KUBERNETES_SERVICE_HOST ? undefined : join(homedir(), '.kube/config'));
  let server: string;
  let ca: string | undefined;
  let token: string | undefined;
  let cert: string | undefined;
  let key: string | undefined;
  let insecure = false;
  if (file) {
    const { parse } = await import('yaml');
    let config: Json;
    try {
      config = parse(await readFile(file, 'utf8')) as Json;
    } catch (error) {
      throw new UsageError(
        `kubeconfig: expected a readable kubeconfig, got ${JSON.stringify(file)} (${(error as Error).message.split('\n')[0]})`,
      );
    }
    const contextName = options.context ?? str(config['current-context']);
    const context = named(config.contexts, contextName, 'contexts', file);
    const cluster = named(config.clusters, str(context.cluster), 'clusters', file);
    const user = named(config.users, str(context.user), 'users', file);
    if (user.exec)
      throw new UsageError(
        `${file}: users.${str(context.user)}.exec: expected a token or client certificate, got an exec plugin (not run by mailops)`,
      );
    server = str(cluster.server);
    ca = await fileOrData(cluster['certificate-authority-data'], cluster['certificate-authority']);
    insecure = cluster['insecure-skip-tls-verify'] === true;
    token =
      typeof user.token === 'string'
        ? user.token
        : typeof user.tokenFile === 'string'
          ? (await readFile(user.tokenFile, 'utf8')).trim()
          : undefined;
    cert = await fileOrData(user['client-certificate-data'], user['client-certificate']);
    key = await fileOrData(user['client-key-data'], user['client-key']);
  } else {
    server = `https://${env.KUBERNETES_SERVICE_HOST}:${env.KUBERNETES_SERVICE_PORT ?? '443'}`;
    const mounted = async (name: string) => {
      const path = join(SERVICE_ACCOUNT, name);
      try {
        return await readFile(path, 'utf8');
      } catch (error) {
        throw new UsageError(
          `kubernetes: expected the pod's service-account ${name} at ${path} (automountServiceAccountToken), got ${(error as NodeJS.ErrnoException).code ?? 'nothing'}`,
        );
      }
    };
    token = (await mounted('token')).trim();
    ca = await mounted('ca.crt');
  }
  if (!/^https?:\/\//.test(server))
    throw new UsageError(
      `kubeconfig: cluster server: expected an http(s) URL, got ${JSON.stringify(server)}`,
    );
  if (token) registerSecret(token);
  const { Agent, request } = await import('undici');
  const dispatcher = new Agent({
    connect: {
      rejectUnauthorized: !insecure,
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
    },
  });
  const fetchJson = async (path: string, signal: AbortSignal): Promise<Json> => {
    const response = await request(`${server.replace(/\/$/, '')}${path}`, {
      dispatcher,
      signal,
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    const body = await response.body.text();
    if (response.statusCode !== 200) {
      const message = (() => {
        try {
          return str((JSON.parse(body) as Json).message) || body;
        } catch {
          return body.slice(0, 200);
        }
      })();
      throw new KubeApiError(response.statusCode, `GET ${path}: HTTP ${response.statusCode}: ${message}`);
    }
    return JSON.parse(body) as Json;
  };
  const answers = new Map<string, { at: number; value: Promise<Json> }>();
  const get = (path: string, { signal }: { signal: AbortSignal }): Promise<Json> => {
    if (!sharing) return fetchJson(path, signal);
    const kept = answers.get(path);
    if (kept && Date.now() - kept.at < sharing.cacheMs) return untilAborted(kept.value, signal);
    const value = fetchJson(path, sharing.signal);
    // In flight, joined; answered, kept for an interval from the answer: the server then sees
    // two reads of a path at least an interval apart, however late the first one arrived.
    const entry = { at: Infinity, value };
    answers.set(path, entry);
    value.then(
      () => (entry.at = Date.now()),
      // A failed answer is not kept: the next attempt asks again.
      () => answers.get(path) === entry && answers.delete(path),
    );
    return untilAborted(value, signal);
  };
  const groups = new Map<string, Promise<Json>>();
  return {
    server,
    get,
    async resource(apiVersion, kind, { signal }) {
      const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      let list = groups.get(base);
      if (!list) {
        list = get(base, { signal });
        groups.set(base, list);
        list.catch(() => groups.delete(base));
      }
      const { resources } = await list;
      const found = (Array.isArray(resources) ? (resources as Json[]) : []).find(
        (r) => r.kind === kind && !str(r.name).includes('/'),
      );
      return found ? { base, plural: str(found.name), namespaced: found.namespaced === true } : undefined;
    },
  };
}

/** The promise's outcome, or an AbortError as soon as signal aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** The pods of a label selector, with their IP once they have one. */
export async function podIPs(
  kube: KubeClient,
  namespace: string,
  selector: string,
  signal: AbortSignal,
): Promise<{ name: string; ip?: string }[]> {
  const pods = await kube.get(
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods?labelSelector=${encodeURIComponent(selector)}`,
    { signal },
  );
  const items = Array.isArray(pods.items) ? (pods.items as Json[]) : [];
  return items.map((pod) => {
    const ip = str(((pod.status ?? {}) as Json).podIP);
    return { name: str(((pod.metadata ?? {}) as Json).name), ...(ip ? { ip } : {}) };
  });
}

/** An API that cannot be read: an error to retry, but 401/403 at once (they do not fix themselves within a deploy). */
export function unreadable(error: unknown): Outcome {
  const denied = error instanceof KubeApiError && (error.status === 401 || error.status === 403);
  return errored(describeError(error), {
    terminal: denied,
    ...(denied ? { code: `HTTP_${error.status}` } : {}),
  });
}
