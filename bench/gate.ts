// readiness-gate: 20 checks that each take about 1 s (HTTP requests a local server answers
// after 1 s) run by one gate, against the slowest of them run alone. CLI wall time, medians.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { gateWall, median } from './gate-wall.ts';

const CHECKS = 20;
const RUNS = Number(process.env.BENCH_GATE_RUNS ?? 5);

// Check i answers after 1000 + 10 * i ms: "about 1 s" each, and one of them the slowest.
const server = createServer((req, res) => {
  const i = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('i'));
  setTimeout(() => res.end('ok'), 1000 + 10 * i);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as { port: number }).port;
const dir = mkdtempSync(join(tmpdir(), 'mailops-bench-gate-'));
const file = join(dir, 'gate.yaml');
const checks = Array.from({ length: CHECKS }, (_, i) => ({
  name: `api-${i}`,
  kind: 'http',
  url: `http://127.0.0.1:${port}/health?i=${i}`,
  'attempt-timeout': '5s',
}));
writeFileSync(file, stringify({ 'readiness-gate': { checks } }));
const wall = (args: string[]) => gateWall(file, args);
try {
  const all: number[] = [];
  const slowest: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    all.push(await wall([]));
    slowest.push(await wall(['--only', `api-${CHECKS - 1}`]));
  }
  const [a, s] = [median(all), median(slowest)];
  console.log(
    `readiness-gate (${CHECKS} HTTP checks of about 1 s each, median of ${RUNS} runs, CLI wall time)`,
  );
  console.log(`  all ${CHECKS} checks        ${a.toFixed(0).padStart(6)} ms`);
  console.log(`  slowest check alone  ${s.toFixed(0).padStart(6)} ms`);
  console.log(`  ratio: ${(a / s).toFixed(2)} (goal <= 1.20: ${a / s <= 1.2 ? 'met' : 'NOT met'})`);
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
