import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type KubeStandIn, recordedDeployments, startKubeStandIn } from '../../lab/stand-ins/kube-api.js';
import { gate } from '../helpers/gate.js';
import { tempDir } from '../helpers/scratch.js';

let kube: KubeStandIn;
let kubeconfig: string;
const pods: Server[] = [];

beforeAll(async () => {
  kube = await startKubeStandIn(dirname(inject('lab').caFile));
  kubeconfig = join(tempDir('kube'), 'config');
  writeFileSync(kubeconfig, kube.kubeconfig());
});
afterAll(async () => {
  await kube.close();
  pods.forEach((p) => p.close());
});

const rollout = (name: string, object: string) => ({
  name,
  kind: 'kubernetes-rollout',
  namespace: 'dns',
  resource: 'deployment',
  'object-name': object,
  kubeconfig,
});

describe('readiness-gate kubernetes-rollout (HTTPS Kubernetes API stand-in replaying recorded Deployment status)', () => {
  it('waits while a Deployment rolls out and passes once it is complete', async () => {
    kube.serve('deployments', 'dns', 'dns-1', recordedDeployments()['rolling-out-then-complete']!);
    const run = await gate([rollout('dns-1', 'dns-1')], ['--timeout', '20s', '--interval', '100ms']);
    expect(run.exitCode).toBe(0);
    expect(run.check('dns-1')?.summary).toBe('deployment "dns-1" successfully rolled out');
    // Four steps of the recorded rollout were not done yet: 1/3, 2/3 updated, an old replica, 2 of 3 available.
    expect(run.check('dns-1')?.attempts).toBe(5);
    expect(kube.requests).toContain('/apis/apps/v1/namespaces/dns/deployments/dns-1');
  });

  it('fails at once, not at the deadline, when the progress deadline is exceeded', async () => {
    kube.serve('deployments', 'dns', 'dns-2', recordedDeployments()['progress-deadline-exceeded']!);
    const run = await gate([rollout('dns-2', 'dns-2')], ['--timeout', '60s']);
    expect(run.exitCode).toBe(1);
    expect(run.check('dns-2')?.attempts).toBe(1);
    expect(run.check('dns-2')?.summary).toBe(
      'failed for good: deployment "dns-2" exceeded its progress deadline',
    );
  });

  it('is not ready while a new generation is not yet observed', async () => {
    kube.serve('deployments', 'dns', 'dns-3', recordedDeployments()['generation-not-observed']!);
    const run = await gate([rollout('dns-3', 'dns-3')], ['--timeout', '2s']);
    expect(run.exitCode).toBe(1);
    expect(run.check('dns-3')?.summary).toBe(
      'not ready at the deadline: deployment "dns-3": waiting for the spec update to be observed',
    );
  });

  it('checks every Deployment of a label selector, and fails on a wrong token at once', async () => {
    const steps = recordedDeployments()['rolling-out-then-complete']!;
    kube.serve('deployments', 'web', 'web-a', [steps.at(-1)!]);
    const run = await gate(
      [
        {
          ...rollout('dns-all', ''),
          'object-name': undefined,
          namespace: 'web',
          selector: 'app.kubernetes.io/name=dns',
        },
      ],
      ['--timeout', '5s'],
    );
    expect(run.exitCode).toBe(0);
    expect(run.check('dns-all')?.summary).toBe('deployment "dns-1" successfully rolled out');
    const badConfig = join(tempDir('kube'), 'config');
    writeFileSync(badConfig, kube.kubeconfig().replace(kube.token, 'wrong-token'));
    const denied = await gate(
      [{ ...rollout('dns-1', 'dns-1'), kubeconfig: badConfig }],
      ['--timeout', '30s'],
    );
    expect(denied.exitCode).toBe(1);
    expect(denied.check('dns-1')?.attempts).toBe(1);
    expect(denied.check('dns-1')?.summary).toBe(
      'failed for good: GET /apis/apps/v1/namespaces/dns/deployments/dns-1: HTTP 401: Unauthorized',
    );
  });

  it('http per-pod: the stats API of every pod behind a selector, pod IPs from the API', async () => {
    const addresses = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];
    const first = createServer();
    await new Promise<void>((resolve) => first.listen(0, addresses[0], resolve));
    const port = (first.address() as { port: number }).port;
    first.close();
    const zones: Record<string, number> = { '127.0.0.1': 3, '127.0.0.2': 3, '127.0.0.3': 2 };
    for (const address of addresses) {
      const server = createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ zones: zones[req.socket.localAddress ?? ''] ?? -1 }));
      });
      pods.push(server);
      await new Promise<void>((resolve) => server.listen(port, address, resolve));
    }
    kube.apply(
      ...addresses.map((ip, i) => ({
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: { name: `dns-1-7d9f8b6c4d-${i}`, namespace: 'dns', labels: { app: 'dns-1' } },
        status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
      })),
    );
    const check = {
      name: 'stats',
      kind: 'http',
      url: 'http://stats.invalid/stats',
      json: [{ path: '$.zones', equals: 3 }],
      'per-pod': { namespace: 'dns', selector: 'app=dns-1', port, kubeconfig },
    };
    const run = await gate([check], ['--timeout', '3s']);
    expect(run.exitCode).toBe(1);
    expect(run.check('stats')?.summary).toBe(
      `not ready at the deadline: http://127.0.0.3:${port}/stats: $.zones is 2, expected 3`,
    );
    zones['127.0.0.3'] = 3;
    const fixed = await gate([check], ['--timeout', '5s']);
    expect(fixed.exitCode).toBe(0);
    expect(fixed.check('stats')?.summary).toBe('3 pods answered as expected');
  });
});
