// Stand-in for the Kubernetes API server (none can run here). It speaks the real API's wire
// format for what readiness-gate reads: HTTPS with the lab's CA, a bearer token or a client
// certificate signed by that CA, discovery (/api, /apis, /api/v1, /apis/<group>/<version>),
// GET of one object and lists by namespace with labelSelector and fieldSelector (400 for a
// field the real server does not index), a Status object with the real reason on 401/404.
// Objects are stored as the API server stores them: uid, resourceVersion and timestamps
// assigned on write, generation advanced when the spec changes. An object may also replay a
// recorded sequence, one step per read, staying on the last: a rollout seen as it progresses.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { issueCertificate } from '../tls.ts';
import { fieldMatcher, labelMatcher, SelectorError } from './kube-selectors.ts';

type Json = Record<string, unknown>;

interface Resource {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  /** Fields its list accepts in a fieldSelector, besides metadata.name and metadata.namespace. */
  fields: string[];
}

const BUILT_IN: Resource[] = [
  {
    group: '',
    version: 'v1',
    kind: 'Pod',
    plural: 'pods',
    namespaced: true,
    fields: ['status.phase', 'spec.nodeName'],
  },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', namespaced: true, fields: [] },
  {
    group: '',
    version: 'v1',
    kind: 'PersistentVolumeClaim',
    plural: 'persistentvolumeclaims',
    namespaced: true,
    fields: [],
  },
  {
    group: '',
    version: 'v1',
    kind: 'Event',
    plural: 'events',
    namespaced: true,
    fields: [
      'involvedObject.kind',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.namespace',
      'reason',
      'type',
    ],
  },
  {
    group: '',
    version: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    namespaced: false,
    fields: ['status.phase'],
  },
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true, fields: [] },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', namespaced: true, fields: [] },
  { group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', namespaced: true, fields: [] },
  { group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets', namespaced: true, fields: [] },
  {
    group: 'batch',
    version: 'v1',
    kind: 'Job',
    plural: 'jobs',
    namespaced: true,
    fields: ['status.successful'],
  },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    kind: 'EndpointSlice',
    plural: 'endpointslices',
    namespaced: true,
    fields: [],
  },
];

export interface KubeStandIn {
  url: string;
  token: string;
  /** The CA that signed the server's and the client's certificates. */
  caFile: string;
  /** A client certificate the server accepts instead of the token (CN=gate, O=mailops). */
  client: { certFile: string; keyFile: string };
  /** Requests seen: path and query. */
  requests: string[];
  /** When each of `requests` arrived (Date.now()). */
  arrivals: number[];
  /** Stores objects as the API server would (uid, resourceVersion, timestamps, generation). */
  apply(...objects: Json[]): Json[];
  /** Replays this sequence for <plural>/<namespace>/<name>, one step per read. */
  serve(plural: string, namespace: string, name: string, sequence: Json[]): void;
  /** Registers a custom resource (as a CRD would) so that discovery lists it. */
  defineResource(resource: Omit<Resource, 'fields'>): void;
  /** A kubeconfig for this server, with the token or the client certificate. */
  kubeconfig(auth?: 'token' | 'client-certificate'): string;
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

const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const groupVersion = (r: Pick<Resource, 'group' | 'version'>) =>
  r.group ? `${r.group}/${r.version}` : r.version;

/** A ClusterRole's rules, as RBAC reads them for a read of one resource. */
export type RbacRule = { apiGroups: string[]; resources: string[]; verbs: string[] };

const allowed = (rules: readonly RbacRule[], group: string, plural: string, verb: string) =>
  rules.some(
    (r) =>
      (r.apiGroups.includes(group) || r.apiGroups.includes('*')) &&
      (r.resources.includes(plural) || r.resources.includes('*')) &&
      (r.verbs.includes(verb) || r.verbs.includes('*')),
  );

/**
 * Starts the stand-in; its certificates are signed by the lab CA in `caDir` (ca.crt, ca.key).
 * With `rbac`, the caller may only get and list what those rules grant (discovery is open to
 * every authenticated user, as system:discovery grants it), else 403 Forbidden.
 */
export async function startKubeStandIn(
  caDir: string,
  options: { token?: string; rbac?: readonly RbacRule[] } = {},
): Promise<KubeStandIn> {
  const token = options.token ?? 'stand-in-token';
  const dir = mkdtempSync(join(caDir, 'kube-'));
  const server = issueCertificate(caDir, dir, 'server', '/CN=kube-apiserver', [
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    'extendedKeyUsage=serverAuth',
  ]);
  const client = issueCertificate(caDir, dir, 'client', '/CN=gate/O=mailops', [
    'extendedKeyUsage=clientAuth',
  ]);
  const resources = [...BUILT_IN];
  const stored = new Map<string, { steps: Json[]; at: number }>();
  const requests: string[] = [];
  const arrivals: number[] = [];
  let version = 1000;
  let clock = Date.parse('2026-12-01T10:00:00Z');
  // Each write a second after the last: timestamps advance as on a real server.
  const now = () => new Date((clock += 1000)).toISOString().replace(/\.\d+Z$/, 'Z');
  const keyOf = (plural: string, namespace: string, name: string) => `${plural}/${namespace}/${name}`;
  const resourceOf = (kind: string, apiVersion: string) =>
    resources.find((r) => r.kind === kind && groupVersion(r) === apiVersion);

  const read = (key: string): Json | undefined => {
    const entry = stored.get(key);
    if (!entry) return undefined;
    const item = entry.steps[Math.min(entry.at, entry.steps.length - 1)];
    entry.at++;
    return item;
  };

  const apply = (...objects: Json[]): Json[] =>
    objects.map((object) => {
      const resource = resourceOf(String(object.kind), String(object.apiVersion));
      if (!resource)
        throw new Error(`kube stand-in: no resource for ${String(object.apiVersion)} ${String(object.kind)}`);
      const meta = obj(object.metadata);
      const namespace = resource.namespaced
        ? typeof meta.namespace === 'string'
          ? meta.namespace
          : 'default'
        : '';
      const key = keyOf(resource.plural, namespace, String(meta.name));
      const before = stored.get(key)?.steps.at(-1);
      const previous = obj(before?.metadata);
      const specChanged = JSON.stringify(obj(before).spec) !== JSON.stringify(object.spec);
      const written: Json = {
        ...object,
        metadata: {
          ...meta,
          ...(resource.namespaced ? { namespace } : {}),
          uid: previous.uid ?? meta.uid ?? randomUUID(),
          resourceVersion: String(++version),
          creationTimestamp: previous.creationTimestamp ?? meta.creationTimestamp ?? now(),
          generation:
            typeof meta.generation === 'number'
              ? meta.generation
              : Number(previous.generation ?? 0) + (before && !specChanged ? 0 : 1),
        },
      };
      stored.set(key, { steps: [written], at: 0 });
      return written;
    });

  const discovery = (path: string): Json | undefined => {
    if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
    if (path === '/apis') {
      const groups = [...new Set(resources.filter((r) => r.group).map((r) => r.group))];
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: groups.map((name) => {
          const versions = [...new Set(resources.filter((r) => r.group === name).map((r) => r.version))].map(
            (v) => ({ groupVersion: `${name}/${v}`, version: v }),
          );
          return { name, versions, preferredVersion: versions[0] };
        }),
      };
    }
    const list = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (!list) return undefined;
    const [group, version] = list[1] ? ['', list[1]] : [list[2]!, list[3]!];
    const served = resources.filter((r) => r.group === group && r.version === version);
    if (served.length === 0) return undefined;
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: groupVersion({ group, version }),
      resources: served.flatMap((r) => [
        {
          name: r.plural,
          singularName: r.kind.toLowerCase(),
          namespaced: r.namespaced,
          kind: r.kind,
          verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
        },
        {
          name: `${r.plural}/status`,
          singularName: '',
          namespaced: r.namespaced,
          kind: r.kind,
          verbs: ['get'],
        },
      ]),
    };
  };

  const https = createServer(
    {
      cert: readFileSync(server.certFile),
      key: readFileSync(server.keyFile),
      ca: readFileSync(server.caFile),
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      const url = new URL(req.url ?? '/', 'https://stand-in');
      requests.push(`${url.pathname}${url.search}`);
      arrivals.push(Date.now());
      const send = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const socket = req.socket as typeof req.socket & { authorized?: boolean };
      if (req.headers.authorization !== `Bearer ${token}` && !socket.authorized)
        return send(401, status(401, 'Unauthorized', 'Unauthorized'));
      const found = discovery(url.pathname);
      if (found) return send(200, found);
      const match =
        /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([a-z0-9]+)(?:\/([^/]+))?$/.exec(
          url.pathname,
        );
      const resource = match
        ? resources.find(
            (r) =>
              r.plural === match[5] &&
              (match[1]
                ? r.group === '' && r.version === match[1]
                : r.group === match[2] && r.version === match[3]),
          )
        : undefined;
      if (!match || !resource)
        return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
      const namespace = match[4] ?? '';
      const name = match[6];
      const groupName = resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
      const verb = name ? 'get' : 'list';
      if (options.rbac && !allowed(options.rbac, resource.group, resource.plural, verb))
        return send(
          403,
          status(
            403,
            'Forbidden',
            `${groupName} is forbidden: User "system:serviceaccount:mailops:mailops-readiness-gate" cannot ${verb} resource "${resource.plural}" in API group "${resource.group}"${namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope'}`,
          ),
        );
      if (name) {
        const item = read(keyOf(resource.plural, namespace, decodeURIComponent(name)));
        return item
          ? send(200, item)
          : send(404, status(404, 'NotFound', `${groupName} "${decodeURIComponent(name)}" not found`));
      }
      try {
        const labels = labelMatcher(url.searchParams.get('labelSelector') ?? '');
        const fields = fieldMatcher(url.searchParams.get('fieldSelector') ?? '', [
          'metadata.name',
          'metadata.namespace',
          ...resource.fields,
        ]);
        const prefix = namespace ? `${resource.plural}/${namespace}/` : `${resource.plural}/`;
        const items = [...stored.keys()]
          .filter((key) => key.startsWith(prefix))
          .sort()
          .map((key) => read(key)!)
          .filter((item) => labels(obj(obj(item.metadata).labels) as Record<string, string>) && fields(item));
        send(200, {
          kind: `${resource.kind}List`,
          apiVersion: groupVersion(resource),
          metadata: { resourceVersion: String(version) },
          items,
        });
      } catch (error) {
        if (!(error instanceof SelectorError)) throw error;
        send(400, status(400, 'BadRequest', error.message));
      }
    },
  );
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  const address = https.address();
  const url = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    token,
    caFile: server.caFile,
    client,
    requests,
    arrivals,
    apply,
    serve(plural, namespace, name, steps) {
      stored.set(keyOf(plural, namespace, name), { steps, at: 0 });
    },
    defineResource(resource) {
      resources.push({ ...resource, fields: [] });
    },
    kubeconfig: (auth = 'token') =>
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: stand-in',
        'clusters:',
        `  - name: stand-in\n    cluster:\n      server: ${url}\n      certificate-authority: ${server.caFile}`,
        'contexts:',
        '  - name: stand-in\n    context:\n      cluster: stand-in\n      user: gate',
        'users:',
        auth === 'token'
          ? `  - name: gate\n    user:\n      token: ${token}`
          : `  - name: gate\n    user:\n      client-certificate: ${client.certFile}\n      client-key: ${client.keyFile}`,
        '',
      ].join('\n'),
    close: () =>
      new Promise<void>((resolve) => {
        https.closeAllConnections();
        https.close(() => resolve());
      }),
  };
}
