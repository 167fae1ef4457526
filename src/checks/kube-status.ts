import { KubeApiError, type KubeClient, unreadable } from './kubernetes.js';
import { kstatus, type KStatus } from './kstatus.js';
import { type CheckContext, failed, type Outcome, passed } from './outcome.js';

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

export interface KubeStatusOptions {
  kube: KubeClient;
  apiVersion: string;
  kind: string;
  namespace?: string;
  /** One object by name, or every object of a label selector. */
  objectName?: string;
  selector?: string;
}

type Judged = Omit<KStatus, 'status'> & { name: string; status: KStatus['status'] | 'NotFound' };

/** A Service is ready when one of its EndpointSlices has a ready endpoint (ready unset counts as ready). */
async function serviceStatus(
  kube: KubeClient,
  namespace: string,
  service: Json,
  signal: AbortSignal,
): Promise<KStatus> {
  const name = str(obj(service.metadata).name);
  if (obj(service.spec).type === 'ExternalName')
    return { status: 'Current', message: 'ExternalName service' };
  const slices = await kube.get(
    `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/endpointslices?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${name}`)}`,
    { signal },
  );
  const endpoints = (Array.isArray(slices.items) ? (slices.items as Json[]) : []).flatMap((s) =>
    Array.isArray(s.endpoints) ? (s.endpoints as Json[]) : [],
  );
  const ready = endpoints.filter((e) => obj(e.conditions).ready !== false).length;
  return ready
    ? { status: 'Current', message: `${ready} ready endpoints` }
    : { status: 'InProgress', message: `no ready endpoint (${endpoints.length} endpoints)` };
}

/**
 * kstatus of any object, custom resources included: the resource found through discovery as
 * kubectl finds it, then the object (or each of a selector's) judged Current, InProgress or
 * Failed. Failed is terminal (a Job past its backoff limit, a Stalled resource); an object or a
 * kind not there yet is waited for (the deploy may still be creating it, or its CRD).
 */
export async function kubeStatusCheck(
  options: KubeStatusOptions,
  { signal }: CheckContext,
): Promise<Outcome> {
  const { kube, apiVersion, kind } = options;
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  let judged: Judged[] | undefined;
  try {
    const resource = await kube.resource(apiVersion, kind, { signal });
    if (!resource) return failed(`the API serves no kind ${kind} in ${apiVersion}`);
    if (resource.namespaced && !options.namespace)
      return failed(`namespace: expected one for the namespaced kind ${kind}, got none`, { terminal: true });
    const namespace = resource.namespaced ? (options.namespace ?? '') : '';
    const collection = `${resource.base}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${resource.plural}`;
    let objects: Json[];
    if (options.objectName) {
      try {
        objects = [await kube.get(`${collection}/${encodeURIComponent(options.objectName)}`, { signal })];
      } catch (error) {
        if (!(error instanceof KubeApiError && error.status === 404)) throw error;
        judged = [
          {
            name: options.objectName,
            status: 'NotFound',
            message: `${kind} ${options.objectName} not found`,
          },
        ];
        objects = [];
      }
    } else {
      const list = await kube.get(
        `${collection}?labelSelector=${encodeURIComponent(options.selector ?? '')}`,
        { signal },
      );
      objects = Array.isArray(list.items) ? (list.items as Json[]) : [];
      if (objects.length === 0)
        return failed(
          `no ${resource.plural} match ${options.selector ?? ''}${namespace ? ` in ${namespace}` : ''}`,
        );
    }
    judged ??= await Promise.all(
      objects.map(async (o) => {
        const state =
          group === '' && kind === 'Service'
            ? await serviceStatus(kube, namespace, o, signal)
            : kstatus(group, kind, o);
        return { ...state, name: str(obj(o.metadata).name) };
      }),
    );
  } catch (error) {
    return unreadable(error);
  }
  const details = {
    kind: 'kubernetes-status' as const,
    objects: judged.map((j) => ({
      apiVersion,
      kind,
      ...(options.namespace ? { namespace: options.namespace } : {}),
      name: j.name,
      status: j.status,
      message: j.message,
      ...(j.reason ? { reason: j.reason } : {}),
    })),
  };
  const text = (j: Judged) => `${kind} ${j.name}: ${j.message}`;
  const broken = judged.filter((j) => j.status === 'Failed');
  if (broken.length)
    return failed(broken.map(text).join('; '), {
      details,
      terminal: true,
      ...(broken[0]!.reason ? { code: broken[0]!.reason } : {}),
    });
  const pending = judged.filter((j) => j.status !== 'Current');
  return pending.length
    ? failed(pending.map(text).join('; '), { details })
    : passed(judged.map(text).join('; '), { details });
}
