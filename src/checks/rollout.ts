import { type KubeClient, unreadable } from './kubernetes.js';
import { type CheckContext, failed, type Outcome, passed } from './outcome.js';
import { daemonSetStatus, deploymentStatus, type RolloutState, statefulSetStatus } from './rollout-status.js';
import { newRevisionPods, type PodProblem, podProblems, podWarnings, problemText } from './rollout-pods.js';

const PLURAL = { deployment: 'deployments', statefulset: 'statefulsets', daemonset: 'daemonsets' } as const;
const PREDICATE = {
  deployment: deploymentStatus,
  statefulset: statefulSetStatus,
  daemonset: daemonSetStatus,
};

export interface RolloutOptions {
  kube: KubeClient;
  namespace: string;
  resource: keyof typeof PLURAL;
  /** One object by name, or every object of a label selector. */
  objectName?: string;
  selector?: string;
  /** OOM kills of one container of the new revision that fail the rollout at once. */
  maxRestarts: number;
}

type Json = Record<string, unknown>;
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** What keeps an unfinished object's new pods from ever becoming ready, with their warning events. */
async function problemsOf(options: RolloutOptions, object: Json, signal: AbortSignal): Promise<PodProblem[]> {
  const pods = await newRevisionPods(options.kube, options.namespace, options.resource, object, signal);
  const problems = podProblems(pods, options.maxRestarts);
  return Promise.all(
    problems.map(async (p) => ({
      ...p,
      events: await podWarnings(options.kube, options.namespace, p.pod, signal),
    })),
  );
}

/**
 * `kubectl rollout status` for one object or every object of a selector, through the API:
 * rolling is a failure to retry, ProgressDeadlineExceeded a terminal one, and so is a pod of the
 * new revision that will not heal (CrashLoopBackOff, an image that cannot be pulled, OOM kills
 * past maxRestarts): the gate says so at once, not at its deadline. An API that cannot be read
 * is an error (401/403 terminal: they will not fix themselves within a deploy).
 */
export async function rolloutCheck(options: RolloutOptions, { signal }: CheckContext): Promise<Outcome> {
  const { kube, namespace, resource } = options;
  const base = `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/${PLURAL[resource]}`;
  const predicate = PREDICATE[resource];
  let objects: Json[];
  let states: RolloutState[];
  const problems: PodProblem[][] = [];
  try {
    if (options.objectName) {
      objects = [await kube.get(`${base}/${encodeURIComponent(options.objectName)}`, { signal })];
    } else {
      const list = await kube.get(`${base}?labelSelector=${encodeURIComponent(options.selector ?? '')}`, {
        signal,
      });
      objects = Array.isArray(list.items) ? (list.items as Json[]) : [];
      if (objects.length === 0)
        return failed(`no ${PLURAL[resource]} match ${options.selector} in ${namespace}`);
    }
    states = objects.map(predicate);
    for (const [i, state] of states.entries())
      problems.push(state.done || state.terminal ? [] : await problemsOf(options, objects[i]!, signal));
  } catch (error) {
    return unreadable(error);
  }
  const details = {
    kind: 'rollout' as const,
    objects: states.map((s, i) => ({
      name: str((objects[i]!.metadata as Json | undefined)?.name),
      done: s.done,
      terminal: s.terminal === true || problems[i]!.length > 0,
      message: s.message,
      ...(problems[i]!.length ? { problems: problems[i]! } : {}),
    })),
  };
  const stuck = problems.flat();
  if (stuck.length)
    return failed(stuck.map(problemText).join('; '), { details, terminal: true, code: stuck[0]!.reason });
  const terminal = states.find((s) => s.terminal);
  if (terminal) return failed(terminal.message, { details, terminal: true });
  const pending = states.filter((s) => !s.done);
  return pending.length
    ? failed(pending.map((s) => s.message).join('; '), { details })
    : passed(states.map((s) => s.message).join('; '), { details });
}
