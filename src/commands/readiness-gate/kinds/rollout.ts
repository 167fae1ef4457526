import { KubeApiError, kubeClient } from '../../../checks/kubernetes.js';
import {
  daemonSetStatus,
  deploymentStatus,
  type RolloutState,
  statefulSetStatus,
} from '../../../checks/rollout-status.js';
import type { KindOf } from '../schema.js';
import { describeError, failed, passed, type Probe } from './types.js';

const PLURAL = { deployment: 'deployments', statefulset: 'statefulsets', daemonset: 'daemonsets' } as const;
const PREDICATE = {
  deployment: deploymentStatus,
  statefulset: statefulSetStatus,
  daemonset: daemonSetStatus,
};

/** `kubectl rollout status` for one object or every object of a label selector, through the API. */
export async function rolloutProbe(
  spec: KindOf<'kubernetes-rollout'>,
  env: NodeJS.ProcessEnv,
): Promise<Probe> {
  const kube = await kubeClient(spec, env);
  const base = `/apis/apps/v1/namespaces/${encodeURIComponent(spec.namespace)}/${PLURAL[spec.resource]}`;
  const predicate = PREDICATE[spec.resource];
  return async ({ signal }) => {
    let states: RolloutState[];
    try {
      if (spec['object-name']) {
        states = [
          predicate(await kube.get(`${base}/${encodeURIComponent(spec['object-name'])}`, { signal })),
        ];
      } else {
        const list = await kube.get(`${base}?labelSelector=${encodeURIComponent(spec.selector ?? '')}`, {
          signal,
        });
        const items = Array.isArray(list.items) ? (list.items as Record<string, unknown>[]) : [];
        if (items.length === 0)
          return failed(`no ${PLURAL[spec.resource]} match ${spec.selector} in ${spec.namespace}`);
        states = items.map(predicate);
      }
    } catch (error) {
      // Forbidden and Unauthorized will not fix themselves within a deploy: say so at once.
      const terminal = error instanceof KubeApiError && (error.status === 401 || error.status === 403);
      return failed(describeError(error), terminal);
    }
    const terminal = states.find((s) => s.terminal);
    if (terminal) return failed(terminal.message, true);
    const pending = states.filter((s) => !s.done);
    return pending.length
      ? failed(pending.map((s) => s.message).join('; '))
      : passed(states.map((s) => s.message).join('; '));
  };
}
