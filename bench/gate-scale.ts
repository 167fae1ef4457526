// readiness-gate at scale: one gate of 200 checks of mixed kinds (HTTP, TCP, TLS, command, and
// 50 Kubernetes checks: a rollout and a status check of each of 25 Deployments of one
// namespace, each rolled out at its second read, served by the HTTPS API stand-in) against the
// slowest of them alone (an HTTP check answered after 1.5 s). Figures: wall time of both and
// their ratio, and the API reads of each object per interval (the checks share them).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttp } from 'node:http';
import { createServer as createTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { gateWall, median } from './gate-wall.ts';
import { startKubeStandIn } from '../lab/stand-ins/kube-api.ts';
import { deploymentTree } from '../lab/stand-ins/kube-objects.ts';
import { makeTls } from '../lab/tls.ts';

const RUNS = Number(process.env.BENCH_GATE_RUNS ?? 3);
const INTERVAL_MS = 500;
const OBJECTS = 25;

const dir = mkdtempSync(join(tmpdir(), 'mailops-bench-gate-scale-'));
const tls = makeTls(join(dir, 'tls'), 'bench.test');
const kube = await startKubeStandIn(join(dir, 'tls'));
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(kubeconfig, kube.kubeconfig());
// Check i of the HTTP ones answers after 200 + 10 * i ms; the slowest after 1.5 s.
const http = createHttp((req, res) => {
  const ms = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('ms'));
  setTimeout(() => res.end('ok'), ms);
});
const tcp = createTcp((socket) => socket.end());
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
const httpPort = (http.address() as { port: number }).port;
const tcpPort = (tcp.address() as { port: number }).port;
const kubePort = Number(new URL(kube.url).port);

/** Each Deployment: rolling, then rolled out; a read advances it one step. */
function serveRollouts(): void {
  for (let i = 0; i < OBJECTS; i++) {
    const [deployment] = deploymentTree({
      namespace: 'mail',
      name: `app-${i}`,
      revision: 2,
      newPods: [[{ ready: true }]],
    });
    const status = deployment!.status as Record<string, number>;
    const step = (available: number) => ({
      ...deployment,
      status: { ...status, availableReplicas: available, readyReplicas: available },
    });
    kube.serve('deployments', 'mail', `app-${i}`, [step(0), step(1)]);
  }
}

const checks = [
  ...Array.from({ length: 80 }, (_, i) => ({
    name: `http-${i}`,
    kind: 'http',
    url: `http://127.0.0.1:${httpPort}/health?ms=${i === 79 ? 1500 : 200 + 10 * i}`,
    'attempt-timeout': '5s',
  })),
  ...Array.from({ length: 40 }, (_, i) => ({
    name: `tcp-${i}`,
    kind: 'tcp',
    host: '127.0.0.1',
    port: tcpPort,
  })),
  ...Array.from({ length: 20 }, (_, i) => ({
    name: `tls-${i}`,
    kind: 'tls',
    host: '127.0.0.1',
    port: kubePort,
    'ca-file': tls.caFile,
    'min-days': 1,
  })),
  ...Array.from({ length: 10 }, (_, i) => ({ name: `command-${i}`, kind: 'command', run: ['true'] })),
  ...Array.from({ length: OBJECTS }, (_, i) => ({
    name: `rollout-${i}`,
    kind: 'kubernetes-rollout',
    namespace: 'mail',
    resource: 'deployment',
    'object-name': `app-${i}`,
    kubeconfig,
  })),
  ...Array.from({ length: OBJECTS }, (_, i) => ({
    name: `status-${i}`,
    kind: 'kubernetes-status',
    'api-version': 'apps/v1',
    'object-kind': 'Deployment',
    namespace: 'mail',
    'object-name': `app-${i}`,
    kubeconfig,
  })),
];
const other = checks.length - 2 * OBJECTS;
const file = join(dir, 'gate.yaml');
writeFileSync(file, stringify({ 'readiness-gate': { interval: `${INTERVAL_MS}ms`, checks } }));
const wall = (args: string[]) => gateWall(file, args);

try {
  const all: number[] = [];
  const slowest: number[] = [];
  let perInterval = 0;
  let reads = 0;
  for (let r = 0; r < RUNS; r++) {
    serveRollouts();
    const before = kube.requests.length;
    all.push(await wall([]));
    // The most reads of one object within one interval, over this run.
    for (let i = 0; i < OBJECTS; i++) {
      const path = `/apis/apps/v1/namespaces/mail/deployments/app-${i}`;
      const times = kube.arrivals.slice(before).filter((_, k) => kube.requests[before + k] === path);
      reads += times.length;
      for (const [k, t] of times.entries())
        perInterval = Math.max(perInterval, times.slice(k).filter((u) => u - t < INTERVAL_MS).length);
    }
    slowest.push(await wall(['--only', 'http-79']));
  }
  const [a, s] = [median(all), median(slowest)];
  console.log(
    `readiness-gate at scale (200 checks: ${other} HTTP/TCP/TLS/command, ${2 * OBJECTS} Kubernetes checks of ${OBJECTS} Deployments; median of ${RUNS} runs)`,
  );
  console.log(`  all 200 checks       ${a.toFixed(0).padStart(6)} ms`);
  console.log(`  slowest check alone  ${s.toFixed(0).padStart(6)} ms`);
  console.log(`  ratio: ${(a / s).toFixed(2)} (goal <= 1.20: ${a / s <= 1.2 ? 'met' : 'NOT met'})`);
  console.log(
    `  API reads of one Deployment in one ${INTERVAL_MS} ms interval, at most: ${perInterval} (goal <= 1: ${perInterval <= 1 ? 'met' : 'NOT met'}); ${(reads / RUNS / OBJECTS).toFixed(1)} reads an object a run, for 2 checks reading it`,
  );
} finally {
  http.close();
  tcp.close();
  await kube.close();
  rmSync(dir, { recursive: true, force: true });
}
