import { KubeApiError, type KubeClient } from './kubernetes.js';
import { type CheckContext, describeError, errored, failed, type Outcome, passed } from './outcome.js';
import { daemonSetStatus, deploymentStatus, type RolloutState, statefulSetStatus } from './rollout-status.js';

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
}

/**
 * `kubectl rollout status` for one object or every object of a selector, through the API:
 * rolling is a failure to retry, ProgressDeadlineExceeded a terminal one; an API that cannot be
 * read is an error (401/403 terminal: they will not fix themselves within a deploy).
 */
export async function rolloutCheck(options: RolloutOptions, { signal }: CheckContext): Promise<Outcome> {
  const { kube, namespace, resource } = options;
  const base = `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/${PLURAL[resource]}`;
  const predicate = PREDICATE[resource];
  let states: RolloutState[];
  try {
    if (options.objectName) {
      states = [predicate(await kube.get(`${base}/${encodeURIComponent(options.objectName)}`, { signal }))];
    } else {
      const list = await kube.get(`${base}?labelSelector=${encodeURIComponent(options.selector ?? '')}`, {
        signal,
      });
      const items = Array.isArray(list.items) ? (list.items as Record<string, unknown>[]) : [];
      if (items.length === 0)
        return failed(`no ${PLURAL[resource]} match ${options.selector} in ${namespace}`);
      states = items.map(predicate);
    }
  } catch (error) {
    const denied = error instanceof KubeApiError && (error.status === 401 || error.status === 403);
    return errored(describeError(error), {
      terminal: denied,
      ...(denied ? { code: `HTTP_${error.status}` } : {}),
    });
  }
  const details = {
    kind: 'rollout' as const,
    objects: states.map((s) => ({ done: s.done, terminal: s.terminal === true, message: s.message })),
  };
  const terminal = states.find((s) => s.terminal);
  if (terminal) return failed(terminal.message, { details, terminal: true });
  const pending = states.filter((s) => !s.done);
  return pending.length
    ? failed(pending.map((s) => s.message).join('; '), { details })
    : passed(states.map((s) => s.message).join('; '), { details });
}
