import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeStandIn } from '../../lab/stand-ins/kube-api.js';
import {
  type ContainerState,
  daemonSetTree,
  deploymentTree,
  podWarning,
  statefulSetTree,
} from '../../lab/stand-ins/kube-objects.js';
import { gate } from '../helpers/gate.js';
import { CERTIFICATES, kubeStandIn, shippedGateRules } from '../helpers/kube.js';

let kube: KubeStandIn;
let kubeconfig: string;
beforeAll(async () => ({ kube, kubeconfig } = await kubeStandIn()));
afterAll(() => kube.close());

const rollout = (name: string, resource = 'deployment', extra: object = {}) => ({
  name,
  kind: 'kubernetes-rollout',
  namespace: 'mail',
  resource,
  'object-name': name,
  kubeconfig,
  ...extra,
});

type Problem = {
  pod: string;
  container: string;
  reason: string;
  restarts: number;
  events: { reason: string }[];
};
const problemsOf = (run: Awaited<ReturnType<typeof gate>>, name: string) =>
  (run.check(name)?.details as { evidence?: { objects: { problems?: Problem[] }[] } } | undefined)?.evidence
    ?.objects[0]?.problems ?? [];

const WAITING: [string, string][] = [
  ['CrashLoopBackOff', 'back-off 5m0s restarting failed container=postfix'],
  ['ImagePullBackOff', 'Back-off pulling image "registry.example/postfix:9"'],
  ['ErrImagePull', 'rpc error: code = NotFound desc = manifest unknown'],
  [
    'InvalidImageName',
    'Failed to apply default image tag "registry.example/Postfix": invalid reference format',
  ],
  ['CreateContainerConfigError', 'secret "smtp-relay" not found'],
  ['CreateContainerError', 'failed to reserve container name'],
];

describe('readiness-gate kubernetes-rollout fails at once on a new pod that will not heal', () => {
  it('names the pod, the container and the reason, for each waiting reason, with the last termination and warning events', async () => {
    for (const [i, [reason, message]] of WAITING.entries()) {
      const objects = kube.apply(
        ...deploymentTree({
          namespace: 'mail',
          name: `postfix-${i}`,
          revision: 7,
          newPods: [
            [
              {
                name: 'postfix',
                waiting: { reason, message },
                restarts: 4,
                lastTerminated: { reason: 'Error', exitCode: 1 },
              },
            ],
          ],
          oldPods: [[{ name: 'postfix', ready: true }], [{ name: 'postfix', ready: true }]],
          replicas: 2,
        }),
      );
      const newPod = objects.filter((o) => o.kind === 'Pod').at(-1)!;
      kube.apply(
        podWarning(newPod, 'BackOff', 'Back-off restarting failed container postfix', 1),
        podWarning(newPod, 'Failed', `Error: ${reason}`, 2),
      );
    }
    const run = await gate(
      WAITING.map((_, i) => rollout(`postfix-${i}`)),
      ['--timeout', '60s'],
    );
    expect(run.exitCode).toBe(1);
    for (const [i, [reason, message]] of WAITING.entries()) {
      const check = run.check(`postfix-${i}`);
      expect(check?.attempts, reason).toBe(1);
      expect(check?.summary).toMatch(
        new RegExp(
          `^failed for good: pod postfix-${i}-\\w+-\\w+ container postfix: ${reason} \\(${message.replace(/[()[\]."]/g, '\\$&')}\\); last terminated Error \\(exit 1\\); events: BackOff: Back-off restarting failed container postfix \\| Failed: Error: ${reason}$`,
        ),
      );
      const [problem] = problemsOf(run, `postfix-${i}`);
      expect(problem).toMatchObject({
        container: 'postfix',
        reason,
        restarts: 4,
        lastTermination: { exitCode: 1, reason: 'Error' },
      });
      expect(problem?.events.map((e) => e.reason)).toEqual(['BackOff', 'Failed']);
    }
  });

  it('ignores pods of the old revision, and waits while new pods only start', async () => {
    const crashing: ContainerState[] = [
      { name: 'dovecot', waiting: { reason: 'CrashLoopBackOff' }, restarts: 9 },
    ];
    kube.apply(
      ...deploymentTree({
        namespace: 'mail',
        name: 'dovecot',
        revision: 3,
        newPods: [[{ name: 'dovecot', waiting: { reason: 'ContainerCreating' } }]],
        oldPods: [crashing, [{ name: 'dovecot', ready: true }]],
        replicas: 2,
      }),
    );
    const run = await gate([rollout('dovecot')], ['--timeout', '3s']);
    expect(run.exitCode).toBe(1);
    expect(run.check('dovecot')?.attempts).toBeGreaterThan(1);
    expect(run.check('dovecot')?.summary).toBe(
      'not ready at the deadline: deployment "dovecot": 1 out of 2 new replicas have been updated',
    );
    expect(problemsOf(run, 'dovecot')).toEqual([]);
  });

  it('fails on OOMKilled only past max-restarts', async () => {
    const oom = (restarts: number): ContainerState[] => [
      {
        name: 'rspamd',
        waiting: { reason: 'ContainerCreating' },
        restarts,
        lastTerminated: { reason: 'OOMKilled', exitCode: 137 },
      },
    ];
    kube.apply(...deploymentTree({ namespace: 'mail', name: 'rspamd-a', revision: 2, newPods: [oom(3)] }));
    kube.apply(...deploymentTree({ namespace: 'mail', name: 'rspamd-b', revision: 2, newPods: [oom(4)] }));
    const run = await gate([rollout('rspamd-a'), rollout('rspamd-b')], ['--timeout', '3s']);
    expect(run.check('rspamd-a')?.summary).toMatch(
      /^not ready at the deadline: deployment "rspamd-a": 0 of 1 updated replicas are available$/,
    );
    expect(run.check('rspamd-b')?.attempts).toBe(1);
    expect(run.check('rspamd-b')?.summary).toMatch(
      /^failed for good: pod rspamd-b-\w+-\w+ container rspamd: OOMKilled 4 restarts; last terminated OOMKilled \(exit 137\)$/,
    );
    const lenient = await gate(
      [rollout('rspamd-b', 'deployment', { 'max-restarts': 4 })],
      ['--timeout', '3s'],
    );
    expect(lenient.check('rspamd-b')?.summary).toMatch(/^not ready at the deadline/);
  });

  it("judges a StatefulSet's pods at its updateRevision and a DaemonSet's at its generation", async () => {
    kube.apply(
      ...statefulSetTree({
        namespace: 'mail',
        name: 'redis',
        newPods: [
          [
            {
              name: 'redis',
              waiting: { reason: 'CreateContainerConfigError', message: 'configmap "redis" not found' },
            },
          ],
        ],
        oldPods: 2,
      }),
      ...daemonSetTree({
        namespace: 'mail',
        name: 'node-exporter',
        generation: 5,
        newPods: [[{ name: 'exporter', waiting: { reason: 'ImagePullBackOff' } }]],
        oldPods: 1,
      }),
    );
    const run = await gate(
      [rollout('redis', 'statefulset'), rollout('node-exporter', 'daemonset')],
      ['--timeout', '60s'],
    );
    expect(run.check('redis')?.attempts).toBe(1);
    expect(run.check('redis')?.summary).toBe(
      'failed for good: pod redis-2 container redis: CreateContainerConfigError (configmap "redis" not found)',
    );
    expect(run.check('node-exporter')?.attempts).toBe(1);
    expect(run.check('node-exporter')?.summary).toMatch(
      /^failed for good: pod node-exporter-\w+ container exporter: ImagePullBackOff$/,
    );
    expect(kube.requests).toContain(
      `/api/v1/namespaces/mail/pods?labelSelector=${encodeURIComponent('app=node-exporter,pod-template-generation=5')}`,
    );
  });
});

describe('the shipped ClusterRole grants what each kind reads', () => {
  it('rollout fail-fast, Job, PVC and Service under its rules; a custom resource not in them is 403 at once', async () => {
    const { kube: guarded, kubeconfig: config } = await kubeStandIn('token', shippedGateRules());
    try {
      guarded.apply(
        ...deploymentTree({
          namespace: 'mail',
          name: 'smtp',
          revision: 2,
          newPods: [[{ name: 'smtp', waiting: { reason: 'ErrImagePull' } }]],
        }),
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name: 'migrate', namespace: 'mail' },
          spec: {},
          status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] },
        },
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data', namespace: 'mail' },
          spec: {},
          status: { phase: 'Bound' },
        },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'smtp', namespace: 'mail' }, spec: {} },
        {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { name: 'smtp-1', namespace: 'mail', labels: { 'kubernetes.io/service-name': 'smtp' } },
          endpoints: [{ addresses: ['10.0.0.9'], conditions: { ready: true } }],
        },
      );
      guarded.defineResource(CERTIFICATES);
      const status = (name: string, apiVersion: string, kind: string) => ({
        name,
        kind: 'kubernetes-status',
        'api-version': apiVersion,
        'object-kind': kind,
        namespace: 'mail',
        'object-name': name === 'cert' ? 'imap' : name.replace(/-.*/, ''),
        kubeconfig: config,
      });
      const run = await gate(
        [
          { ...rollout('smtp'), kubeconfig: config },
          status('migrate', 'batch/v1', 'Job'),
          status('data', 'v1', 'PersistentVolumeClaim'),
          status('smtp-service', 'v1', 'Service'),
          status('cert', 'cert-manager.io/v1', 'Certificate'),
        ],
        ['--timeout', '30s'],
      );
      expect(run.check('smtp')?.summary).toMatch(
        /^failed for good: pod smtp-\w+-\w+ container smtp: ErrImagePull/,
      );
      expect(run.check('migrate')?.status).toBe('pass');
      expect(run.check('data')?.status).toBe('pass');
      expect(run.check('smtp-service')?.status).toBe('pass');
      expect(run.check('cert')?.attempts).toBe(1);
      expect(run.check('cert')?.summary).toBe(
        'failed for good: GET /apis/cert-manager.io/v1/namespaces/mail/certificates/imap: HTTP 403: certificates.cert-manager.io is forbidden: User "system:serviceaccount:mailops:mailops-readiness-gate" cannot get resource "certificates" in API group "cert-manager.io" in the namespace "mail"',
      );
    } finally {
      await guarded.close();
    }
  });
});
