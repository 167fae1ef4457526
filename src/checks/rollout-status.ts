/**
 * `kubectl rollout status` predicates (kubectl pkg/polymorphichelpers/rollout_status.go),
 * over the API's JSON: done, still rolling (with kubectl's words), or terminal.
 */
export interface RolloutState {
  done: boolean;
  terminal?: boolean;
  message: string;
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
const nameOf = (o: Json): string => {
  const name = obj(o.metadata).name;
  return typeof name === 'string' ? name : '?';
};

const waiting = (message: string): RolloutState => ({ done: false, message });

function generationObserved(o: Json): boolean {
  const status = obj(o.status);
  return num(obj(o.metadata).generation) <= num(status.observedGeneration);
}

export function deploymentStatus(o: Json): RolloutState {
  const name = nameOf(o);
  const spec = obj(o.spec);
  const status = obj(o.status);
  if (!generationObserved(o))
    return waiting(`deployment "${name}": waiting for the spec update to be observed`);
  const conditions = Array.isArray(status.conditions) ? (status.conditions as Json[]) : [];
  const progressing = conditions.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded')
    return { done: false, terminal: true, message: `deployment "${name}" exceeded its progress deadline` };
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const updated = num(status.updatedReplicas);
  if (updated < replicas)
    return waiting(`deployment "${name}": ${updated} out of ${replicas} new replicas have been updated`);
  if (num(status.replicas) > updated)
    return waiting(
      `deployment "${name}": ${num(status.replicas) - updated} old replicas are pending termination`,
    );
  if (num(status.availableReplicas) < updated)
    return waiting(
      `deployment "${name}": ${num(status.availableReplicas)} of ${updated} updated replicas are available`,
    );
  return { done: true, message: `deployment "${name}" successfully rolled out` };
}

export function statefulSetStatus(o: Json): RolloutState {
  const name = nameOf(o);
  const spec = obj(o.spec);
  const status = obj(o.status);
  const strategy = obj(spec.updateStrategy);
  if (strategy.type !== undefined && strategy.type !== 'RollingUpdate')
    return {
      done: false,
      terminal: true,
      message: `statefulset "${name}": rollout status is only available for the RollingUpdate strategy`,
    };
  if (num(status.observedGeneration) === 0 || !generationObserved(o))
    return waiting(`statefulset "${name}": waiting for the spec update to be observed`);
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
  if (num(status.readyReplicas) < replicas)
    return waiting(`statefulset "${name}": ${num(status.readyReplicas)} of ${replicas} pods are ready`);
  const partition = obj(strategy.rollingUpdate).partition;
  if (typeof partition === 'number' && partition > 0) {
    if (num(status.updatedReplicas) < replicas - partition)
      return waiting(
        `statefulset "${name}": ${num(status.updatedReplicas)} of ${replicas - partition} updated pods are ready`,
      );
    return { done: true, message: `statefulset "${name}": partitioned roll out complete` };
  }
  if (status.updateRevision !== status.currentRevision)
    return waiting(
      `statefulset "${name}": ${num(status.updatedReplicas)} pods at revision ${String(status.updateRevision)}`,
    );
  return {
    done: true,
    message: `statefulset "${name}" rolling update complete at revision ${String(status.currentRevision)}`,
  };
}

export function daemonSetStatus(o: Json): RolloutState {
  const name = nameOf(o);
  const status = obj(o.status);
  const strategy = obj(obj(o.spec).updateStrategy);
  if (strategy.type !== undefined && strategy.type !== 'RollingUpdate')
    return {
      done: false,
      terminal: true,
      message: `daemonset "${name}": rollout status is only available for the RollingUpdate strategy`,
    };
  if (!generationObserved(o))
    return waiting(`daemonset "${name}": waiting for the spec update to be observed`);
  const desired = num(status.desiredNumberScheduled);
  if (num(status.updatedNumberScheduled) < desired)
    return waiting(
      `daemonset "${name}": ${num(status.updatedNumberScheduled)} out of ${desired} new pods have been updated`,
    );
  if (num(status.numberAvailable) < desired)
    return waiting(
      `daemonset "${name}": ${num(status.numberAvailable)} of ${desired} updated pods are available`,
    );
  return { done: true, message: `daemonset "${name}" successfully rolled out` };
}
