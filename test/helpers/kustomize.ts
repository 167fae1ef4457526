import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** Debian 13's kubectl, unpacked by lab/install-packages.sh (Debian 12's knows no components). */
export const KUBECTL = join(import.meta.dirname, '../../.tools/debian-trixie/usr/bin/kubectl');

export const DEPLOY = join(import.meta.dirname, '../../deploy/kubernetes');

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  [key: string]: unknown;
};

/** What `kubectl apply -k dir` would apply: `kubectl kustomize dir`, as objects. */
export function kustomize(dir: string): KubeObject[] {
  if (!existsSync(KUBECTL))
    throw new Error(`${KUBECTL}: expected kubectl, got none; run bash lab/install-packages.sh`);
  const yaml = execFileSync(KUBECTL, ['kustomize', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseAllDocuments(yaml).map((doc) => doc.toJS() as KubeObject);
}

/**
 * The build of an operator's overlay on deploy/kubernetes with one of its components, as the README
 * shows it; written in `dir`.
 */
export function withComponent(dir: string, component: string): KubeObject[] {
  const overlay = mkdtempSync(join(dir, 'overlay-'));
  // kustomize takes only relative paths to other kustomizations.
  const path = (to: string) => relative(overlay, to);
  writeFileSync(
    join(overlay, 'kustomization.yaml'),
    `resources: [${path(DEPLOY)}]\ncomponents: [${path(join(DEPLOY, 'components', component))}]\n`,
  );
  return kustomize(overlay);
}

type Container = { name: string; securityContext?: Record<string, unknown>; [key: string]: unknown };
export type PodSpec = {
  securityContext?: Record<string, unknown>;
  containers: Container[];
  volumes?: Record<string, unknown>[];
  [key: string]: unknown;
};

/** The pod a CronJob's or a Job's runs get, or undefined for other kinds. */
export function podOf(object: KubeObject): PodSpec | undefined {
  const spec = object.spec as {
    jobTemplate?: { spec: { template: { spec: PodSpec } } };
    template?: { spec: PodSpec };
  };
  if (object.kind === 'CronJob') return spec.jobTemplate!.spec.template.spec;
  if (object.kind === 'Job') return spec.template!.spec;
  return undefined;
}

export const named = (objects: KubeObject[], kind: string, name: string): KubeObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`expected ${kind}/${name} in the build, got none`);
  return found;
};
