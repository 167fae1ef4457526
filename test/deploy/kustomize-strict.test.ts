import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { describe, expect, it } from 'vitest';
import { strictIssues } from '../helpers/kube-strict.js';
import { DEPLOY, kustomize, named, withComponent } from '../helpers/kustomize.js';
import { tempDir } from '../helpers/scratch.js';

/** A copy of deploy/kubernetes with `from` replaced by `to` in one of its files (each edit must apply). */
function copyWith(edits: { file: string; from: string | RegExp; to: string }[]): string {
  const copy = join(tempDir('kustomize'), 'kubernetes');
  cpSync(DEPLOY, copy, { recursive: true });
  for (const { file, from, to } of edits) {
    const text = readFileSync(join(copy, file), 'utf8');
    const edited = text.replace(from, to);
    expect(edited, `${file}: ${String(from)}`).not.toBe(text);
    writeFileSync(join(copy, file), edited);
  }
  return copy;
}

describe('the manifests as kubectl kustomize builds them, validated strictly', () => {
  it('catches misspelled fields in a resource, in a container and in a component patch, that the schemas alone accept', async () => {
    const copy = copyWith([
      { file: 'probe-roundtrip.yaml', from: 'activeDeadlineSeconds: 600', to: 'activeDeadlineSecond: 5' },
      {
        file: 'spf-check.yaml',
        from: /(\n\s+)image: mailops/,
        to: '$1image: mailops$1imagePullPolicyy: Always',
      },
      {
        file: 'components/backup-as-owner/kustomization.yaml',
        from: 'runAsGroup: 33',
        to: 'runAsGroupp: 33',
      },
    ]);
    const built = kustomize(copy);
    // What the test before this one trusted: kubernetes-models' validate() takes the typo.
    expect(() =>
      new CronJob(named(built, 'CronJob', 'mailops-backup-rsync') as never).validate(),
    ).not.toThrow();

    const issues = await strictIssues(built);
    const pod = 'spec.jobTemplate.spec.template.spec';
    for (const [object, path, field] of [
      [
        'CronJob/mailops-probe-roundtrip',
        'spec.jobTemplate.spec.activeDeadlineSecond',
        'activeDeadlineSecond',
      ],
      ['CronJob/mailops-spf-check', `${pod}.containers[0].imagePullPolicyy`, 'imagePullPolicyy'],
      // The component patches both CronJobs it selects.
      ['CronJob/mailops-backup-rsync', `${pod}.securityContext.runAsGroupp`, 'runAsGroupp'],
      ['CronJob/mailops-backup-rsync-restore', `${pod}.securityContext.runAsGroupp`, 'runAsGroupp'],
    ])
      expect(issues.filter((issue) => issue.startsWith(`${object}: ${path}: `))).toEqual([
        expect.stringContaining(`'"${field}"' does not exist in type`),
      ]);
  });

  it('catches a value of the wrong type, one outside an enum, a missing required field and an unknown kind', async () => {
    const copy = copyWith([
      { file: 'probe-roundtrip.yaml', from: 'backoffLimit: 0', to: "backoffLimit: 'none'" },
      { file: 'spf-check.yaml', from: 'concurrencyPolicy: Forbid', to: 'concurrencyPolicy: Forbidden' },
      {
        file: 'readiness-gate-rbac.yaml',
        from: /\n {4}verbs: \[get, list\]\n {2}- apiGroups: \[''\]/,
        to: "\n  - apiGroups: ['']",
      },
      { file: 'readiness-gate-rbac.yaml', from: 'kind: ServiceAccount', to: 'kind: ServiceAcount' },
    ]);
    const issues = await strictIssues(kustomize(copy));
    expect(issues.join('\n')).toMatch(
      /CronJob\/mailops-probe-roundtrip: spec\.jobTemplate\.spec\.backoffLimit: Type 'string' is not assignable to type 'number/,
    );
    expect(issues.join('\n')).toMatch(
      /CronJob\/mailops-spf-check: spec\.concurrencyPolicy: Type '"Forbidden"' is not assignable/,
    );
    expect(issues.join('\n')).toMatch(
      /ClusterRole\/mailops-readiness-gate: rules\[0\]: Property '"verbs"' is missing/,
    );
    expect(issues.join('\n')).toMatch(
      /ServiceAcount\/mailops-readiness-gate: Cannot find module 'kubernetes-models\/v1\/ServiceAcount'/,
    );
  });

  it('the default build and an overlay choosing backup-as-root both pass', async () => {
    expect(
      await strictIssues([...kustomize(DEPLOY), ...withComponent(tempDir('overlay'), 'backup-as-root')]),
    ).toEqual([]);
  });
});
