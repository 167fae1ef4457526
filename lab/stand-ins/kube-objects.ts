// Objects for the Kubernetes API stand-in, shaped as the controllers write them (API reference):
// a Deployment owns one ReplicaSet per revision (deployment.kubernetes.io/revision, a
// pod-template-hash label), each ReplicaSet owns its pods; a StatefulSet's pods carry the
// controller-revision-hash of their revision, a DaemonSet's their pod-template-generation.
import { createHash, randomUUID } from 'node:crypto';

type Json = Record<string, unknown>;

/** A container of a pod: running and ready, or waiting for a reason, with its restarts and last termination. */
export interface ContainerState {
  name?: string;
  ready?: boolean;
  waiting?: { reason: string; message?: string };
  restarts?: number;
  lastTerminated?: { reason: string; exitCode: number };
}

const TIME = '2026-12-01T10:00:00Z';
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A hash in the alphabet and length the controllers use for pod-template-hash. */
function templateHash(seed: string): string {
  const bytes = createHash('sha256').update(seed).digest();
  return Array.from(bytes.subarray(0, 10), (b) => ALPHABET[b % ALPHABET.length]).join('');
}

const owner = (o: Json) => {
  const meta = o.metadata as Json;
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: meta.name,
    uid: meta.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
};

function pod(
  namespace: string,
  name: string,
  labels: Record<string, string>,
  owned: Json,
  containers: ContainerState[],
  image: string,
): Json {
  const statuses = containers.map((c, i) => ({
    name: c.name ?? `c${i}`,
    image,
    imageID: '',
    ready: c.ready ?? !c.waiting,
    started: !c.waiting,
    restartCount: c.restarts ?? 0,
    state: c.waiting ? { waiting: c.waiting } : { running: { startedAt: TIME } },
    lastState: c.lastTerminated
      ? {
          terminated: {
            ...c.lastTerminated,
            startedAt: TIME,
            finishedAt: TIME,
            containerID: `containerd://${i}`,
          },
        }
      : {},
  }));
  const ready = statuses.every((s) => s.ready);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: randomUUID(), labels, ownerReferences: [owner(owned)] },
    spec: { containers: statuses.map((s) => ({ name: s.name, image })) },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: TIME },
        { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: TIME },
        { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: TIME },
      ],
      podIP: '10.0.0.1',
      containerStatuses: statuses,
    },
  };
}

/**
 * A Deployment at `revision` whose new ReplicaSet runs `newPods` (each a list of containers),
 * with `oldPods` still running at the previous revision; the status adds them up.
 */
export function deploymentTree(o: {
  namespace: string;
  name: string;
  revision: number;
  newPods: ContainerState[][];
  oldPods?: ContainerState[][];
  replicas?: number;
}): Json[] {
  const old = o.oldPods ?? [];
  const readyOld = old.filter((containers) => containers.every((c) => c.ready ?? !c.waiting)).length;
  const replicas = o.replicas ?? o.newPods.length;
  const labels = { app: o.name };
  const deployment: Json = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      uid: randomUUID(),
      generation: o.revision,
      labels,
      annotations: { 'deployment.kubernetes.io/revision': String(o.revision) },
    },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: {} } },
  };
  const objects: Json[] = [deployment];
  const readyNew = o.newPods.filter((containers) => containers.every((c) => c.ready ?? !c.waiting)).length;
  for (const revision of [o.revision - 1, o.revision]) {
    const current = revision === o.revision;
    const hash = templateHash(`${o.namespace}/${o.name}/${revision}`);
    const replicaSet: Json = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${o.name}-${hash}`,
        namespace: o.namespace,
        uid: randomUUID(),
        labels: { ...labels, 'pod-template-hash': hash },
        annotations: { 'deployment.kubernetes.io/revision': String(revision) },
        ownerReferences: [owner(deployment)],
      },
      spec: { replicas: current ? o.newPods.length : old.length },
      status: { replicas: current ? o.newPods.length : old.length },
    };
    objects.push(replicaSet);
    const pods = current ? o.newPods : old;
    pods.forEach((containers, i) =>
      objects.push(
        pod(
          o.namespace,
          `${o.name}-${hash}-${templateHash(`${hash}${i}`).slice(0, 5)}`,
          { ...labels, 'pod-template-hash': hash },
          replicaSet,
          containers,
          `registry.example/${o.name}:${revision}`,
        ),
      ),
    );
  }
  deployment.status = {
    observedGeneration: o.revision,
    replicas: o.newPods.length + old.length,
    updatedReplicas: o.newPods.length,
    readyReplicas: readyNew + readyOld,
    availableReplicas: readyNew + readyOld,
    conditions: [
      {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        lastUpdateTime: TIME,
        lastTransitionTime: TIME,
      },
      {
        type: 'Progressing',
        status: 'True',
        reason: 'ReplicaSetUpdated',
        lastUpdateTime: TIME,
        lastTransitionTime: TIME,
      },
    ],
  };
  return objects;
}

/** A StatefulSet rolling to `updateRevision`: `newPods` at it, `oldPods` still at the current one. */
export function statefulSetTree(o: {
  namespace: string;
  name: string;
  newPods: ContainerState[][];
  oldPods?: number;
}): Json[] {
  const labels = { app: o.name };
  const [current, update] = [
    `${o.name}-${templateHash(`${o.name}1`)}`,
    `${o.name}-${templateHash(`${o.name}2`)}`,
  ];
  const replicas = o.newPods.length + (o.oldPods ?? 0);
  const set: Json = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: o.name, namespace: o.namespace, uid: randomUUID(), generation: 2, labels },
    spec: { replicas, selector: { matchLabels: labels }, updateStrategy: { type: 'RollingUpdate' } },
    status: {
      observedGeneration: 2,
      replicas,
      readyReplicas: o.oldPods ?? 0,
      updatedReplicas: o.newPods.length,
      currentRevision: current,
      updateRevision: update,
    },
  };
  const pods = [
    ...o.newPods.map((containers) => ({ containers, revision: update })),
    ...Array.from({ length: o.oldPods ?? 0 }, () => ({ containers: [{ ready: true }], revision: current })),
  ];
  return [
    set,
    ...pods.map(({ containers, revision }, i) =>
      pod(
        o.namespace,
        `${o.name}-${replicas - 1 - i}`,
        { ...labels, 'controller-revision-hash': revision },
        set,
        containers,
        `registry.example/${o.name}`,
      ),
    ),
  ];
}

/** A DaemonSet at `generation`: `newPods` of that generation, `oldPods` of the previous one. */
export function daemonSetTree(o: {
  namespace: string;
  name: string;
  generation: number;
  newPods: ContainerState[][];
  oldPods?: number;
}): Json[] {
  const labels = { app: o.name };
  const scheduled = o.newPods.length + (o.oldPods ?? 0);
  const set: Json = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: o.name, namespace: o.namespace, uid: randomUUID(), generation: o.generation, labels },
    spec: { selector: { matchLabels: labels }, updateStrategy: { type: 'RollingUpdate' } },
    status: {
      observedGeneration: o.generation,
      desiredNumberScheduled: scheduled,
      currentNumberScheduled: scheduled,
      updatedNumberScheduled: o.newPods.length,
      numberAvailable: o.oldPods ?? 0,
      numberReady: o.oldPods ?? 0,
    },
  };
  const pods = [
    ...o.newPods.map((containers) => ({ containers, generation: o.generation })),
    ...Array.from({ length: o.oldPods ?? 0 }, () => ({
      containers: [{ ready: true }],
      generation: o.generation - 1,
    })),
  ];
  return [
    set,
    ...pods.map(({ containers, generation }, i) =>
      pod(
        o.namespace,
        `${o.name}-${templateHash(`${i}`).slice(0, 5)}`,
        { ...labels, 'pod-template-generation': String(generation) },
        set,
        containers,
        `registry.example/${o.name}`,
      ),
    ),
  ];
}

/** A Warning event about a pod, as the kubelet records it. */
export function podWarning(podObject: Json, reason: string, message: string, minutesAgo = 1): Json {
  const meta = podObject.metadata as Json;
  const at = new Date(Date.parse(TIME) - minutesAgo * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${String(meta.name)}.${templateHash(reason + message)}`, namespace: meta.namespace },
    involvedObject: {
      apiVersion: 'v1',
      kind: 'Pod',
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
    },
    reason,
    message,
    type: 'Warning',
    count: 1,
    firstTimestamp: at,
    lastTimestamp: at,
    source: { component: 'kubelet' },
  };
}
