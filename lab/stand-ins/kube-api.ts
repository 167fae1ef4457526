// Stand-in for the Kubernetes API server (none can run here). It serves the real
// API's paths and JSON for what readiness-gate reads: GET one Deployment (or
// StatefulSet, DaemonSet), list them by labelSelector, list Pods; a Status object
// with the real reason on 401/404. Each object answers from a recorded sequence,
// one step per GET, staying on the last: a rollout seen as it progresses.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

type Json = Record<string, unknown>;

export interface KubeStandIn {
  url: string;
  token: string;
  /** GETs seen, by path. */
  requests: string[];
  /** Replay this sequence for <plural>/<namespace>/<name>. */
  serve(plural: string, namespace: string, name: string, sequence: Json[]): void;
  /** The Pods a pod list returns. */
  pods: Json[];
  kubeconfig(): string;
  close(): Promise<void>;
}

/** The recorded sequences in fixtures/kubernetes/deployment-sequences.json, by scenario. */
export function recordedDeployments(): Record<string, Json[]> {
  const file = join(import.meta.dirname, '../../fixtures/kubernetes/deployment-sequences.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, Json[]>;
}

const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  code,
});

export async function startKubeStandIn(token = 'stand-in-token'): Promise<KubeStandIn> {
  const sequences = new Map<string, { steps: Json[]; at: number }>();
  const requests: string[] = [];
  const state = { pods: [] as Json[] };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    requests.push(`${url.pathname}${url.search}`);
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`)
      return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    const pods = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname);
    if (pods)
      return send(200, {
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '1' },
        items: state.pods,
      });
    const one = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/([a-z]+)\/([^/]+)$/.exec(url.pathname);
    const step = (key: string) => {
      const seq = sequences.get(key);
      if (!seq) return undefined;
      const item = seq.steps[Math.min(seq.at, seq.steps.length - 1)];
      seq.at++;
      return item;
    };
    if (one) {
      const item = step(`${one[2]}/${one[1]}/${one[3]}`);
      return item
        ? send(200, item)
        : send(404, status(404, 'NotFound', `${one[2]}.apps "${one[3]}" not found`));
    }
    const list = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/([a-z]+)$/.exec(url.pathname);
    if (list) {
      const [, namespace, plural] = list;
      const [key, value] = (url.searchParams.get('labelSelector') ?? '').split('=');
      const items = [...sequences.keys()]
        .filter((k) => k.startsWith(`${plural}/${namespace}/`))
        .map((k) => step(k))
        .filter((item): item is Json => {
          const labels = ((item?.metadata as Json | undefined)?.labels ?? {}) as Record<string, string>;
          return Boolean(item) && (!key || labels[key] === value);
        });
      return send(200, { kind: 'List', apiVersion: 'apps/v1', metadata: { resourceVersion: '1' }, items });
    }
    send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    token,
    requests,
    serve(plural, namespace, name, steps) {
      sequences.set(`${plural}/${namespace}/${name}`, { steps, at: 0 });
    },
    get pods() {
      return state.pods;
    },
    set pods(value: Json[]) {
      state.pods = value;
    },
    kubeconfig: () =>
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: stand-in',
        'clusters:',
        `  - name: stand-in\n    cluster:\n      server: ${url}`,
        'contexts:',
        '  - name: stand-in\n    context:\n      cluster: stand-in\n      user: gate',
        'users:',
        `  - name: gate\n    user:\n      token: ${token}`,
        '',
      ].join('\n'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
