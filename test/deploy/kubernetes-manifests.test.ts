import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { SpecValues } from '../../src/cli/command-spec.js';
import { commandSpecs } from '../../src/commands/index.js';
import { probeRoundtrip } from '../../src/commands/probe-roundtrip/spec.js';
import { parseConfig } from '../../src/config/load.js';
import { sectionSchema } from '../../src/config/section.js';
import { parseDuration } from '../../src/config/duration.js';
import { strictIssues } from '../helpers/kube-strict.js';
import { DEPLOY, kustomize } from '../helpers/kustomize.js';

/** Between --timeout and activeDeadlineSeconds: the pod's start, and the 3 s a stopped run takes to report and push. */
const ROOM_MS = 30_000;

const dir = DEPLOY;
// What `kubectl apply -k deploy/kubernetes` applies: the files as kustomize builds them, components included.
const docs = kustomize(dir);
const byName = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name)!;

type PodSpec = {
  containers: { args: string[]; env?: { valueFrom?: { secretKeyRef?: unknown } }[] }[];
  volumes?: unknown[];
};
const cronPod = (name: string) => {
  const spec = byName('CronJob', name).spec as {
    schedule: string;
    concurrencyPolicy: string;
    jobTemplate: {
      spec: { backoffLimit: number; activeDeadlineSeconds: number; template: { spec: PodSpec } };
    };
  };
  return { spec, job: spec.jobTemplate.spec, pod: spec.jobTemplate.spec.template.spec };
};

describe('deploy/kubernetes', () => {
  it('every object kubectl kustomize builds validates strictly against the Kubernetes schema, and kustomization lists every file', async () => {
    expect(docs.length).toBeGreaterThan(0);
    expect(await strictIssues(docs)).toEqual([]);
    const kustomization = parseAllDocuments(
      readFileSync(join(dir, 'kustomization.yaml'), 'utf8'),
    )[0]!.toJS() as {
      resources: string[];
    };
    expect(kustomization.resources.sort()).toEqual(
      readdirSync(dir)
        .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
        .sort(),
    );
  });

  it('every CronJob and Job passes a --timeout below its activeDeadlineSeconds, with room for the pod start and the push', () => {
    const jobs = docs.flatMap((doc) => {
      const job = (
        doc.kind === 'CronJob'
          ? (doc.spec as { jobTemplate: { spec: unknown } }).jobTemplate.spec
          : doc.kind === 'Job'
            ? doc.spec
            : undefined
      ) as { activeDeadlineSeconds: number; template: { spec: PodSpec } } | undefined;
      return job ? [{ name: `${doc.kind}/${doc.metadata.name}`, job }] : [];
    });
    expect(jobs.map((j) => j.name).sort()).toEqual([
      'CronJob/mailops-backup-rsync',
      'CronJob/mailops-backup-rsync-restore',
      'CronJob/mailops-probe-roundtrip',
      'CronJob/mailops-spf-check',
      'Job/mailops-readiness-gate',
    ]);
    for (const { name, job } of jobs) {
      const args = job.template.spec.containers[0]!.args;
      const flag = args.indexOf('--timeout');
      expect(flag, `${name} passes --timeout`).toBeGreaterThan(0);
      const timeoutMs = parseDuration(args[flag + 1] ?? '');
      expect(timeoutMs, `${name}: --timeout ${args[flag + 1]}`).toBeDefined();
      // A run ends within 3 s of its deadline, push included; the rest is the pod's own start.
      expect(job.activeDeadlineSeconds * 1000 - timeoutMs!, name).toBeGreaterThanOrEqual(ROOM_MS);
    }
  });

  it('the probe CronJob: every 20 minutes, never concurrent, never retried, a deadline above the worst-case probe window', () => {
    const { spec, job, pod } = cronPod('mailops-probe-roundtrip');
    expect([spec.schedule, spec.concurrencyPolicy, job.backoffLimit]).toEqual(['*/20 * * * *', 'Forbid', 0]);
    const config = parseConfig(
      (byName('ConfigMap', 'mailops-config').data as Record<string, string>)['config.yaml']!,
      'config.yaml',
      Object.fromEntries(commandSpecs.map((s) => [s.name, sectionSchema(s.options)])),
    );
    const probe = config['probe-roundtrip'] as Record<string, unknown>;
    const defaults = Object.fromEntries(
      probeRoundtrip.options.map((o) => [o.name, 'default' in o ? o.default : undefined]),
    );
    const args = pod.containers[0]!.args;
    expect(parseDuration(args[args.indexOf('--timeout') + 1]!)).toBeGreaterThanOrEqual(
      probeRoundtrip.defaultTimeoutMs({ ...defaults, ...probe } as SpecValues<typeof probeRoundtrip>),
    );
    expect(pod.containers[0]!.env!.every((e) => e.valueFrom?.secretKeyRef)).toBe(true);
  });

  it('the backup CronJob at 03:10 with the source read-only and a destination volume; the gate Job with read-only RBAC', async () => {
    const { spec, pod } = cronPod('mailops-backup-rsync');
    expect(spec.schedule).toBe('10 3 * * *');
    expect(pod.volumes).toContainEqual({
      name: 'source',
      persistentVolumeClaim: { claimName: 'roundcube-data', readOnly: true },
    });
    expect(pod.volumes).toContainEqual({
      name: 'backups',
      persistentVolumeClaim: { claimName: 'mailops-backups' },
    });
    const role = byName('ClusterRole', 'mailops-readiness-gate').rules as {
      resources: string[];
      verbs: string[];
    }[];
    expect(role.flatMap((r) => r.resources).sort()).toEqual([
      'daemonsets',
      'deployments',
      'endpointslices',
      'events',
      'jobs',
      'persistentvolumeclaims',
      'pods',
      'replicasets',
      'services',
      'statefulsets',
    ]);
    expect(new Set(role.flatMap((r) => r.verbs))).toEqual(new Set(['get', 'list']));
    const gateSpec = (await import('../../src/commands/readiness-gate/spec.js')).readinessGate;
    const gate = parseConfig(
      (byName('ConfigMap', 'mailops-config').data as Record<string, string>)['gate.yaml']!,
      'gate.yaml',
      {
        'readiness-gate': sectionSchema(gateSpec.options, await gateSpec.sectionEntries!()),
      },
    );
    expect((gate['readiness-gate'] as { checks: unknown[] }).checks).toHaveLength(2);
  });
});
