// kstatus (sigs.k8s.io/cli-utils/pkg/kstatus) over the API's JSON: whether an object has
// reached what its spec asks (Current), is still on its way (InProgress), or will not get there
// without a change (Failed). Built-in kinds by their own status; any other kind, custom
// resources included, by observedGeneration and the standard conditions.
import { daemonSetStatus, deploymentStatus, statefulSetStatus } from './rollout-status.js';

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

export interface KStatus {
  status: 'Current' | 'InProgress' | 'Failed';
  message: string;
  reason?: string;
}

const condition = (o: Json, type: string): Json | undefined =>
  (Array.isArray(obj(o.status).conditions) ? (obj(o.status).conditions as Json[]) : []).find(
    (c) => c.type === type,
  );
const isTrue = (c: Json | undefined) => c?.status === 'True';
const said = (c: Json, fallback: string) => str(c.message) || str(c.reason) || fallback;
const withReason = (c: Json) => (str(c.reason) ? { reason: str(c.reason) } : {});

const ROLLOUT: Record<string, (o: Json) => { done: boolean; terminal?: boolean; message: string }> = {
  'apps/Deployment': deploymentStatus,
  'apps/StatefulSet': statefulSetStatus,
  'apps/DaemonSet': daemonSetStatus,
};

function builtIn(group: string, kind: string, o: Json): KStatus | undefined {
  const status = obj(o.status);
  const rollout = ROLLOUT[`${group}/${kind}`];
  if (rollout) {
    const state = rollout(o);
    return {
      status: state.done ? 'Current' : state.terminal ? 'Failed' : 'InProgress',
      message: state.message,
    };
  }
  if (group === 'batch' && kind === 'Job') {
    const failed = condition(o, 'Failed');
    if (isTrue(failed))
      return { status: 'Failed', message: `job failed: ${said(failed!, 'Failed')}`, ...withReason(failed!) };
    if (isTrue(condition(o, 'Complete')))
      return { status: 'Current', message: `job complete: ${Number(status.succeeded ?? 0)} succeeded` };
    return {
      status: 'InProgress',
      message: `job running: ${Number(status.active ?? 0)} active, ${Number(status.succeeded ?? 0)} succeeded, ${Number(status.failed ?? 0)} failed`,
    };
  }
  if (group === '' && kind === 'PersistentVolumeClaim') {
    const phase = str(status.phase) || 'Pending';
    if (phase === 'Bound') return { status: 'Current', message: 'bound' };
    return { status: phase === 'Lost' ? 'Failed' : 'InProgress', message: `phase ${phase}`, reason: phase };
  }
  if (group === '' && kind === 'Pod') {
    const phase = str(status.phase) || 'Pending';
    if (phase === 'Succeeded') return { status: 'Current', message: 'pod succeeded' };
    if (phase === 'Failed')
      return { status: 'Failed', message: `pod failed: ${str(status.reason) || phase}`, reason: phase };
    const ready = condition(o, 'Ready');
    return isTrue(ready)
      ? { status: 'Current', message: 'pod ready' }
      : {
          status: 'InProgress',
          message: `pod ${phase}, not ready${ready ? `: ${said(ready, 'not ready')}` : ''}`,
        };
  }
  return undefined;
}

/** The object's kstatus; `group` is its API group ('' for the core group). */
export function kstatus(group: string, kind: string, o: Json): KStatus {
  const meta = obj(o.metadata);
  if (meta.deletionTimestamp) return { status: 'InProgress', message: 'being deleted' };
  const generation = meta.generation;
  const observed = obj(o.status).observedGeneration;
  if (typeof generation === 'number' && typeof observed === 'number' && observed < generation)
    return { status: 'InProgress', message: `generation ${generation} not yet observed (at ${observed})` };
  const stalled = condition(o, 'Stalled');
  if (isTrue(stalled))
    return { status: 'Failed', message: `stalled: ${said(stalled!, 'Stalled')}`, ...withReason(stalled!) };
  const reconciling = condition(o, 'Reconciling');
  if (isTrue(reconciling))
    return {
      status: 'InProgress',
      message: `reconciling: ${said(reconciling!, 'Reconciling')}`,
      ...withReason(reconciling!),
    };
  const known = builtIn(group, kind, o);
  if (known) return known;
  for (const type of ['Ready', 'Available']) {
    const c = condition(o, type);
    if (c && !isTrue(c))
      return {
        status: 'InProgress',
        message: `${type} is ${str(c.status) || 'Unknown'}: ${said(c, type)}`,
        ...withReason(c),
      };
  }
  return {
    status: 'Current',
    message: isTrue(condition(o, 'Ready')) ? 'ready' : 'exists, no condition to wait for',
  };
}
