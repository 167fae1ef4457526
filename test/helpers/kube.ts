import { readFileSync, writeFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { dirname, join } from 'node:path';
import { inject } from 'vitest';
import { type KubeStandIn, type RbacRule, startKubeStandIn } from '../../lab/stand-ins/kube-api.js';
import { tempDir } from './scratch.js';

/** The Kubernetes API stand-in with the lab's CA, and a kubeconfig file for it (token or client certificate). */
export async function kubeStandIn(
  auth: 'token' | 'client-certificate' = 'token',
  rbac?: readonly RbacRule[],
): Promise<{ kube: KubeStandIn; kubeconfig: string }> {
  const kube = await startKubeStandIn(dirname(inject('lab').caFile), rbac ? { rbac } : {});
  const kubeconfig = join(tempDir('kube'), 'config');
  writeFileSync(kubeconfig, kube.kubeconfig(auth));
  return { kube, kubeconfig };
}

/** The rules of the shipped readiness-gate ClusterRole (deploy/kubernetes/readiness-gate-rbac.yaml). */
export function shippedGateRules(): RbacRule[] {
  const file = join(import.meta.dirname, '../../deploy/kubernetes/readiness-gate-rbac.yaml');
  const role = parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJSON() as { kind: string; rules?: RbacRule[] })
    .find((d) => d.kind === 'ClusterRole');
  return role?.rules ?? [];
}

/** cert-manager's Certificate, as its CRD registers it: a custom resource to find through discovery. */
export const CERTIFICATES = {
  group: 'cert-manager.io',
  version: 'v1',
  kind: 'Certificate',
  plural: 'certificates',
  namespaced: true,
};
