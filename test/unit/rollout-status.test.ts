import { describe, expect, it } from 'vitest';
import { daemonSetStatus, statefulSetStatus } from '../../src/checks/rollout-status.js';

const sts = (spec: object, status: object, generation = 2) => ({
  metadata: { name: 'db', generation },
  spec: { replicas: 3, updateStrategy: { type: 'RollingUpdate' }, ...spec },
  status: { observedGeneration: 2, ...status },
});

describe('kubectl rollout status predicates', () => {
  it('StatefulSet: ready replicas, partitions, revisions, strategy', () => {
    expect(statefulSetStatus(sts({}, { readyReplicas: 2 })).message).toBe(
      'statefulset "db": 2 of 3 pods are ready',
    );
    expect(
      statefulSetStatus(
        sts({}, { readyReplicas: 3, updatedReplicas: 1, updateRevision: 'db-2', currentRevision: 'db-1' }),
      ),
    ).toEqual({ done: false, message: 'statefulset "db": 1 pods at revision db-2' });
    expect(
      statefulSetStatus(
        sts({}, { readyReplicas: 3, updatedReplicas: 3, updateRevision: 'db-2', currentRevision: 'db-2' }),
      ),
    ).toEqual({ done: true, message: 'statefulset "db" rolling update complete at revision db-2' });
    const partitioned = sts(
      { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } },
      { readyReplicas: 3, updatedReplicas: 1 },
    );
    expect(statefulSetStatus(partitioned).done).toBe(true);
    expect(statefulSetStatus(sts({ updateStrategy: { type: 'OnDelete' } }, {})).terminal).toBe(true);
    expect(statefulSetStatus(sts({}, { readyReplicas: 3 }, 3)).message).toBe(
      'statefulset "db": waiting for the spec update to be observed',
    );
  });

  it('DaemonSet: updated and available against desired', () => {
    const ds = (status: object) => ({
      metadata: { name: 'agent', generation: 1 },
      spec: {},
      status: { observedGeneration: 1, desiredNumberScheduled: 4, ...status },
    });
    expect(daemonSetStatus(ds({ updatedNumberScheduled: 3 })).message).toBe(
      'daemonset "agent": 3 out of 4 new pods have been updated',
    );
    expect(daemonSetStatus(ds({ updatedNumberScheduled: 4, numberAvailable: 3 })).message).toBe(
      'daemonset "agent": 3 of 4 updated pods are available',
    );
    expect(daemonSetStatus(ds({ updatedNumberScheduled: 4, numberAvailable: 4 })).done).toBe(true);
  });
});
