import type { KubeClient } from './kubernetes.js';

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Waiting reasons a container does not recover from without a new deploy. */
export const FATAL_WAITING = [
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
] as const;

/** Why a pod of the new revision will not become ready. */
export interface PodProblem {
  pod: string;
  container: string;
  reason: string;
  message?: string;
  restarts: number;
  lastTermination?: { exitCode: number; reason: string };
  /** The pod's most recent Warning events, newest first. */
  events: { reason: string; message: string; count: number }[];
}

/** A selector's matchLabels and matchExpressions as the labelSelector query parameter spells them. */
export function labelSelector(selector: unknown): string {
  const s = obj(selector);
  const labels = Object.entries(obj(s.matchLabels)).map(([k, v]) => `${k}=${str(v)}`);
  const expressions = list(s.matchExpressions).map((e) => {
    const values = Array.isArray(e.values) ? (e.values as string[]).join(',') : '';
    const key = str(e.key);
    return e.operator === 'In'
      ? `${key} in (${values})`
      : e.operator === 'NotIn'
        ? `${key} notin (${values})`
        : e.operator === 'DoesNotExist'
          ? `!${key}`
          : key;
  });
  return [...labels, ...expressions].join(',');
}

const ownedBy = (item: Json, uid: unknown) =>
  list(obj(item.metadata).ownerReferences).some((r) => r.uid === uid);
const revisionOf = (item: Json) =>
  Number(str(obj(obj(item.metadata).annotations)['deployment.kubernetes.io/revision'])) || 0;

/**
 * The pods of the rollout's new revision, as the controllers label them: the Deployment's
 * newest ReplicaSet (by its revision annotation) and its pod-template-hash, the StatefulSet's
 * updateRevision, the DaemonSet's current generation; each pod owned by that controller.
 * Pods of the old revision are not the rollout's concern.
 */
export async function newRevisionPods(
  kube: KubeClient,
  namespace: string,
  resource: 'deployment' | 'statefulset' | 'daemonset',
  object: Json,
  signal: AbortSignal,
): Promise<Json[]> {
  const meta = obj(object.metadata);
  const selector = labelSelector(obj(object.spec).selector);
  const ns = `namespaces/${encodeURIComponent(namespace)}`;
  const pods = async (extra: string, owner: unknown) => {
    const query = encodeURIComponent([selector, extra].filter(Boolean).join(','));
    const found = await kube.get(`/api/v1/${ns}/pods?labelSelector=${query}`, { signal });
    return list(found.items).filter((pod) => ownedBy(pod, owner));
  };
  if (resource === 'deployment') {
    const sets = await kube.get(
      `/apis/apps/v1/${ns}/replicasets?labelSelector=${encodeURIComponent(selector)}`,
      {
        signal,
      },
    );
    const owned = list(sets.items).filter((set) => ownedBy(set, meta.uid));
    const newest = owned.reduce<Json | undefined>(
      (best, set) => (!best || revisionOf(set) > revisionOf(best) ? set : best),
      undefined,
    );
    const hash = str(obj(obj(newest?.metadata).labels)['pod-template-hash']);
    return newest && hash ? pods(`pod-template-hash=${hash}`, obj(newest.metadata).uid) : [];
  }
  if (resource === 'statefulset') {
    const revision = str(obj(object.status).updateRevision);
    return revision ? pods(`controller-revision-hash=${revision}`, meta.uid) : [];
  }
  return pods(
    `pod-template-generation=${typeof meta.generation === 'number' ? meta.generation : ''}`,
    meta.uid,
  );
}

/** The containers of these pods that will not heal: a fatal waiting reason, or OOMKilled more than maxRestarts times. */
export function podProblems(pods: readonly Json[], maxRestarts: number): Omit<PodProblem, 'events'>[] {
  const problems: Omit<PodProblem, 'events'>[] = [];
  for (const pod of pods) {
    const status = obj(pod.status);
    for (const container of [...list(status.initContainerStatuses), ...list(status.containerStatuses)]) {
      const waiting = obj(obj(container.state).waiting);
      const last = obj(obj(container.lastState).terminated);
      const restarts = typeof container.restartCount === 'number' ? container.restartCount : 0;
      const fatal = (FATAL_WAITING as readonly string[]).includes(str(waiting.reason));
      const oom = last.reason === 'OOMKilled' && restarts > maxRestarts;
      if (!fatal && !oom) continue;
      problems.push({
        pod: str(obj(pod.metadata).name),
        container: str(container.name),
        reason: fatal ? str(waiting.reason) : 'OOMKilled',
        ...(fatal && str(waiting.message) ? { message: str(waiting.message) } : {}),
        restarts,
        ...(last.reason
          ? {
              lastTermination: {
                exitCode: typeof last.exitCode === 'number' ? last.exitCode : 0,
                reason: str(last.reason),
              },
            }
          : {}),
      });
    }
  }
  return problems;
}

const RECENT_EVENTS = 3;

/** A pod's most recent Warning events, newest first. */
export async function podWarnings(
  kube: KubeClient,
  namespace: string,
  pod: string,
  signal: AbortSignal,
): Promise<PodProblem['events']> {
  const selector = encodeURIComponent(`involvedObject.kind=Pod,involvedObject.name=${pod},type=Warning`);
  const events = await kube.get(
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/events?fieldSelector=${selector}`,
    {
      signal,
    },
  );
  const when = (e: Json) =>
    str(e.lastTimestamp) || str(e.eventTime) || str(obj(e.metadata).creationTimestamp);
  return list(events.items)
    .sort((a, b) => (when(a) < when(b) ? 1 : when(a) > when(b) ? -1 : 0))
    .slice(0, RECENT_EVENTS)
    .map((e) => ({
      reason: str(e.reason),
      message: str(e.message),
      count: typeof e.count === 'number' ? e.count : 1,
    }));
}

/** One line for a problem: the pod, the container, the reason and what the cluster said about it. */
export function problemText(p: PodProblem): string {
  const termination = p.lastTermination
    ? `; last terminated ${p.lastTermination.reason} (exit ${p.lastTermination.exitCode})`
    : '';
  const events = p.events.length
    ? `; events: ${p.events.map((e) => `${e.reason}: ${e.message}`).join(' | ')}`
    : '';
  const restarts = p.reason === 'OOMKilled' ? ` ${p.restarts} restarts` : '';
  return `pod ${p.pod} container ${p.container}: ${p.reason}${restarts}${p.message ? ` (${p.message})` : ''}${termination}${events}`;
}
