import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { Agent, request } from 'undici';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeStandIn } from '../../lab/stand-ins/kube-api.js';
import { BIN } from '../helpers/cli.js';
import { gate } from '../helpers/gate.js';
import { CERTIFICATES, kubeStandIn } from '../helpers/kube.js';
import { parseReport } from '../helpers/report-schema.js';
import { tempDir } from '../helpers/scratch.js';

let kube: KubeStandIn;
let kubeconfig: string;
beforeAll(async () => ({ kube, kubeconfig } = await kubeStandIn()));
afterAll(() => kube.close());

const status = (name: string, apiVersion: string, kind: string, extra: object = {}) => ({
  name,
  kind: 'kubernetes-status',
  'api-version': apiVersion,
  'object-kind': kind,
  namespace: 'mail',
  'object-name': name,
  kubeconfig,
  ...extra,
});

const job = (name: string, conditions: object[], counts: object = {}) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace: 'mail' },
  spec: {
    backoffLimit: 2,
    template: { spec: { containers: [{ name: 'migrate', image: 'registry.example/db:1' }] } },
  },
  status: { ...counts, conditions },
});
const condition = (type: string, value: string, reason: string, message = '') => ({
  type,
  status: value,
  reason,
  message,
  lastTransitionTime: '2026-12-01T10:00:00Z',
});

describe('readiness-gate kubernetes-status: any object by kstatus rules (HTTPS Kubernetes API stand-in)', () => {
  it('waits for a Job to complete, and fails at once when it failed, with its reason', async () => {
    kube.serve('jobs', 'mail', 'migrate', [
      {
        ...job('migrate', [], { active: 1 }),
        metadata: { name: 'migrate', namespace: 'mail', uid: 'u1', generation: 1 },
      },
      {
        ...job('migrate', [condition('Complete', 'True', 'CompletionsReached')], { succeeded: 1 }),
        metadata: { name: 'migrate', namespace: 'mail', uid: 'u1', generation: 1 },
      },
    ]);
    kube.apply(
      job(
        'seed',
        [condition('Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')],
        { failed: 3 },
      ),
    );
    const run = await gate(
      [status('migrate', 'batch/v1', 'Job'), status('seed', 'batch/v1', 'Job')],
      ['--timeout', '60s'],
    );
    expect(run.check('migrate')?.status).toBe('pass');
    expect(run.check('migrate')?.attempts).toBe(2);
    expect(run.check('migrate')?.summary).toBe('Job migrate: job complete: 1 succeeded');
    expect(run.check('seed')?.attempts).toBe(1);
    expect(run.check('seed')?.summary).toBe(
      'failed for good: Job seed: job failed: Job has reached the specified backoff limit',
    );
    const evidence = (run.check('seed')?.details as { evidence?: { objects: object[] } }).evidence;
    expect(evidence?.objects).toEqual([
      expect.objectContaining({
        kind: 'Job',
        name: 'seed',
        status: 'Failed',
        reason: 'BackoffLimitExceeded',
      }),
    ]);
  });

  it('judges a custom resource found through discovery: Ready, Stalled, an old generation, a CRD not installed', async () => {
    kube.defineResource(CERTIFICATES);
    const cert = (name: string, generation: number, observed: number, conditions: object[]) => ({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name, namespace: 'mail', generation, labels: { tier: 'mail' } },
      spec: { secretName: name, dnsNames: [`${name}.example.org`] },
      status: { observedGeneration: observed, conditions },
    });
    kube.serve('certificates', 'mail', 'imap-tls', [
      cert('imap-tls', 2, 1, [condition('Ready', 'True', 'Ready')]),
      cert('imap-tls', 2, 2, [
        condition('Ready', 'False', 'Issuing', 'Issuing certificate as Secret does not exist'),
      ]),
      cert('imap-tls', 2, 2, [
        condition('Ready', 'True', 'Ready', 'Certificate is up to date and has not expired'),
      ]),
    ]);
    kube.apply(
      cert('smtp-tls', 1, 1, [
        condition('Stalled', 'True', 'InvalidIssuer', 'issuer "letsencrypt" not found'),
      ]),
    );
    const run = await gate(
      [
        status('imap-tls', 'cert-manager.io/v1', 'Certificate'),
        status('smtp-tls', 'cert-manager.io/v1', 'Certificate'),
        status('dkim', 'example.org/v1', 'DkimKey', { 'attempt-timeout': '2s' }),
      ],
      ['--timeout', '3s'],
    );
    expect(run.check('imap-tls')?.status).toBe('pass');
    expect(run.check('imap-tls')?.attempts).toBe(3);
    expect(run.check('imap-tls')?.summary).toBe('Certificate imap-tls: ready');
    expect(run.check('smtp-tls')?.summary).toBe(
      'failed for good: Certificate smtp-tls: stalled: issuer "letsencrypt" not found',
    );
    expect(run.check('dkim')?.summary).toBe(
      'not ready at the deadline: GET /apis/example.org/v1: HTTP 404: the server could not find the requested resource',
    );
    // Discovery once per group version, however many checks and attempts.
    expect(kube.requests.filter((r) => r === '/apis/cert-manager.io/v1')).toHaveLength(1);
  });

  it('a PersistentVolumeClaim when Bound, a Service when an EndpointSlice has a ready endpoint', async () => {
    kube.apply(
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'maildata', namespace: 'mail' },
        spec: {},
        status: { phase: 'Bound' },
      },
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'spool', namespace: 'mail' },
        spec: {},
        status: { phase: 'Pending' },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'smtp', namespace: 'mail' },
        spec: { type: 'ClusterIP' },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'imap', namespace: 'mail' },
        spec: { type: 'ClusterIP' },
      },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'smtp-x1', namespace: 'mail', labels: { 'kubernetes.io/service-name': 'smtp' } },
        addressType: 'IPv4',
        endpoints: [
          { addresses: ['10.0.0.5'], conditions: { ready: false } },
          { addresses: ['10.0.0.6'], conditions: { ready: true } },
        ],
      },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'imap-x1', namespace: 'mail', labels: { 'kubernetes.io/service-name': 'imap' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.0.0.7'], conditions: { ready: false } }],
      },
    );
    const run = await gate(
      [
        status('maildata', 'v1', 'PersistentVolumeClaim'),
        status('spool', 'v1', 'PersistentVolumeClaim'),
        status('smtp', 'v1', 'Service'),
        status('imap', 'v1', 'Service'),
      ],
      ['--timeout', '3s'],
    );
    expect(run.check('maildata')?.summary).toBe('PersistentVolumeClaim maildata: bound');
    expect(run.check('spool')?.summary).toBe(
      'not ready at the deadline: PersistentVolumeClaim spool: phase Pending',
    );
    expect(run.check('smtp')?.summary).toBe('Service smtp: 1 ready endpoints');
    expect(run.check('imap')?.summary).toBe(
      'not ready at the deadline: Service imap: no ready endpoint (1 endpoints)',
    );
  });

  it('every object of a label selector; a field selector the server does not index is its 400', async () => {
    const ready = (name: string, value: string) => ({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name, namespace: 'edge', labels: { tier: 'edge' } },
      spec: { secretName: name },
      status: { conditions: [condition('Ready', value, value === 'True' ? 'Ready' : 'Pending')] },
    });
    kube.defineResource(CERTIFICATES);
    kube.apply(ready('a', 'True'), ready('b', 'False'));
    const run = await gate(
      [
        {
          ...status('edge', 'cert-manager.io/v1', 'Certificate'),
          namespace: 'edge',
          'object-name': undefined,
          selector: 'tier=edge',
        },
      ],
      ['--timeout', '3s'],
    );
    expect(run.check('edge')?.summary).toBe(
      'not ready at the deadline: Certificate b: Ready is False: Pending',
    );
    const response = await request(`${kube.url}/api/v1/namespaces/mail/pods?fieldSelector=spec.image%3Dx`, {
      headers: { authorization: `Bearer ${kube.token}` },
      dispatcher: new Agent({ connect: { ca: readFileSync(kube.caFile) } }),
    });
    expect(response.statusCode).toBe(400);
    expect(((await response.body.json()) as { message: string }).message).toBe(
      'field label not supported: spec.image',
    );
  });
});

describe('one API read per object and interval, however many checks read it', () => {
  it('20 checks of one Deployment share each answer within an interval', async () => {
    kube.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'shared', namespace: 'mail', generation: 2 },
      spec: { replicas: 2, selector: { matchLabels: { app: 'shared' } } },
      status: { observedGeneration: 2, replicas: 2, updatedReplicas: 1, availableReplicas: 1 },
    });
    const checks = Array.from({ length: 20 }, (_, i) =>
      i % 2
        ? { ...status(`status-${i}`, 'apps/v1', 'Deployment'), 'object-name': 'shared' }
        : {
            name: `rollout-${i}`,
            kind: 'kubernetes-rollout',
            namespace: 'mail',
            resource: 'deployment',
            'object-name': 'shared',
            kubeconfig,
          },
    );
    const before = kube.requests.length;
    const run = await gate(checks, ['--timeout', '3s', '--interval', '300ms']);
    const gets = kube.requests
      .slice(before)
      .filter((r) => r === '/apis/apps/v1/namespaces/mail/deployments/shared');
    const attempts = checks.map((c) => run.check(c.name)?.attempts ?? 0);
    expect(Math.min(...attempts)).toBeGreaterThan(1);
    // Without sharing: one GET per attempt of every check.
    expect(gets.length).toBeLessThanOrEqual(Math.max(...attempts) + 1);
    expect(attempts.reduce((a, b) => a + b)).toBeGreaterThan(gets.length * 10);
  });
});

describe('Kubernetes credentials as in a real cluster', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'mail', generation: 1 },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } } },
    status: {
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      availableReplicas: 1,
      readyReplicas: 1,
    },
  };

  it('a kubeconfig with a client certificate; without token or certificate the API says 401', async () => {
    const { kube: certified, kubeconfig: certConfig } = await kubeStandIn('client-certificate');
    try {
      certified.apply(deployment);
      const run = await gate(
        [status('web', 'apps/v1', 'Deployment', { kubeconfig: certConfig })],
        ['--timeout', '10s'],
      );
      expect(run.check('web')?.summary).toBe('Deployment web: deployment "web" successfully rolled out');
      const anonymous = join(tempDir('kube'), 'config');
      writeFileSync(
        anonymous,
        certified.kubeconfig('client-certificate').replace(/ {6}client-(certificate|key): .*\n/g, ''),
      );
      const denied = await gate(
        [status('web', 'apps/v1', 'Deployment', { kubeconfig: anonymous })],
        ['--timeout', '10s'],
      );
      expect(denied.check('web')?.summary).toBe('failed for good: GET /apis/apps/v1: HTTP 401: Unauthorized');
    } finally {
      await certified.close();
    }
  });

  it('in a pod: the service-account token and CA files and KUBERNETES_SERVICE_HOST/PORT', async () => {
    kube.apply(deployment);
    const dir = tempDir('in-cluster');
    writeFileSync(join(dir, 'token'), `${kube.token}\n`);
    copyFileSync(kube.caFile, join(dir, 'ca.crt'));
    const file = join(dir, 'gate.yaml');
    const check = status('web', 'apps/v1', 'Deployment');
    delete (check as { kubeconfig?: string }).kubeconfig;
    writeFileSync(file, stringify({ 'readiness-gate': { interval: '200ms', checks: [check] } }));
    const port = new URL(kube.url).port;
    // The files at the path every pod has them, in a mount namespace of this run alone.
    const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
    const result = await execa(
      'unshare',
      [
        '-m',
        'sh',
        '-c',
        `mount -t tmpfs tmpfs /run && mkdir -p ${sa} && cp ${dir}/token ${dir}/ca.crt ${sa}/ && exec "$@"`,
        'sh',
        process.execPath,
        BIN,
        'readiness-gate',
        '--config',
        file,
        '--output',
        'json',
        '--timeout',
        '10s',
      ],
      {
        reject: false,
        env: {
          KUBERNETES_SERVICE_HOST: '127.0.0.1',
          KUBERNETES_SERVICE_PORT: port,
          KUBECONFIG: '',
          HOME: dir,
        },
        stdin: 'ignore',
      },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    const report = parseReport(result.stdout);
    expect(report.checks.find((c) => c.name === 'web')?.summary).toBe(
      'Deployment web: deployment "web" successfully rolled out',
    );
  });
});
