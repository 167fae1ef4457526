// spf-check: (1) RFC 7208 suite evaluations per second, mailops (mailauth strict behind our
// seam) against pyspf (Debian python3-spf), both warmed up, both driven from the same
// in-memory zonedata; (2) the wall time of a 3-resolver check against the slowest single
// resolver, each resolver a delaying UDP relay in front of the lab's Knot.
import { execFile, execFileSync } from 'node:child_process';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startLab, stopLab } from '../lab/index.ts';
import { evaluateCase, loadSuite, SUITE } from '../lab/spf-suite.ts';

const PASSES = Number(process.env.BENCH_SPF_PASSES ?? 300);
// V8 needs about a hundred passes to reach its optimising tier; Python gets the same warm-up.
const WARMUP = Number(process.env.BENCH_SPF_WARMUP ?? 100);
const ROUNDS = 3;
const RUNS = Number(process.env.BENCH_SPF_RUNS ?? 9);
const bin = join(import.meta.dirname, '../bin/mailops.js');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

const cases = loadSuite();
async function suitePass(): Promise<{ results: number; explanations: number }> {
  let results = 0;
  let explanations = 0;
  for (const c of cases) {
    const got = await evaluateCase(c);
    if (!c.result.includes(got.result)) continue;
    results++;
    if (got.explanation === c.explanation) explanations++;
  }
  return { results, explanations };
}

async function ours(): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await suitePass();
  const started = performance.now();
  for (let i = 0; i < PASSES; i++) await suitePass();
  return (PASSES * cases.length) / ((performance.now() - started) / 1000);
}

function pyspf(): { results: number; explanations: number; testsPerSecond: number } {
  const out = execFileSync(
    '/usr/bin/python3',
    [join(import.meta.dirname, 'spf_pyspf.py'), SUITE, String(WARMUP), String(PASSES)],
    {
      encoding: 'utf8',
    },
  );
  return JSON.parse(out) as { results: number; explanations: number; testsPerSecond: number };
}

const conformance = await suitePass();
const speeds: { ours: number[]; pyspf: number[] } = { ours: [], pyspf: [] };
let py = { results: 0, explanations: 0 };
for (let round = 0; round < ROUNDS; round++) {
  speeds.ours.push(await ours());
  const p = pyspf();
  py = p;
  speeds.pyspf.push(p.testsPerSecond);
}
const [o, p] = [median(speeds.ours), median(speeds.pyspf)];
console.log(
  `spf-check suite (${cases.length} tests, ${PASSES} timed passes after ${WARMUP} warm-up passes, median of ${ROUNDS} rounds)`,
);
console.log(
  `  mailops  ${conformance.results}/${cases.length} results, ${conformance.explanations}/22 explanations, ${o.toFixed(0).padStart(7)} tests/s`,
);
console.log(
  `  pyspf    ${py.results}/${cases.length} results, ${py.explanations}/22 explanations, ${p.toFixed(0).padStart(7)} tests/s`,
);
console.log(`  ratio mailops / pyspf: ${(o / p).toFixed(2)} (goal >= 1.00: ${o >= p ? 'met' : 'NOT met'})`);

/** A resolver that answers slower: relays to Knot and holds each answer back `delayMs`. */
function delayingRelay(upstreamPort: number, delayMs: number) {
  const socket = createSocket('udp4');
  const asked: string[] = [];
  socket.on('message', (query: Buffer, client: RemoteInfo) => {
    asked.push(questionOf(query));
    const upstream = createSocket('udp4');
    upstream.on('message', (answer) => {
      upstream.close();
      setTimeout(() => socket.send(answer, client.port, client.address), delayMs);
    });
    upstream.send(query, upstreamPort, '127.0.0.1');
  });
  return new Promise<{ server: string; asked: string[]; close: () => void }>((resolve) =>
    socket.bind(0, '127.0.0.1', () =>
      resolve({ server: `127.0.0.1:${socket.address().port}`, asked, close: () => socket.close() }),
    ),
  );
}

/** "TYPE name" of a DNS query packet. */
function questionOf(packet: Buffer): string {
  const labels: string[] = [];
  let at = 12;
  while (at < packet.length && packet[at]) {
    const length = packet[at]!;
    labels.push(packet.subarray(at + 1, at + 1 + length).toString('latin1'));
    at += 1 + length;
  }
  return `${packet.readUInt16BE(at + 1)} ${labels.join('.').toLowerCase()}`;
}

const lab = await startLab();
const relays = await Promise.all([20, 40, 80].map((ms) => delayingRelay(lab.dns.port, ms)));
try {
  const run = promisify(execFile);
  const check = async (servers: string[]) => {
    const args = [bin, 'spf-check', 'spf.test', ...servers.flatMap((s) => ['--resolver', s])];
    args.push(
      '--expect-include',
      '_spf.provider.spf.test',
      '--expect-pass',
      '198.51.100.20',
      '--dmarc',
      '-q',
    );
    const started = performance.now();
    await run(process.execPath, args);
    return performance.now() - started;
  };
  const configs: [string, string[]][] = [
    ...relays.map((r, i): [string, string[]] => [`1 resolver, +${[20, 40, 80][i]} ms`, [r.server]]),
    ['3 resolvers', relays.map((r) => r.server)],
  ];
  const walls = new Map(configs.map(([name]) => [name, [] as number[]]));
  for (let i = 0; i < RUNS; i++) {
    for (const [name, servers] of configs) walls.get(name)!.push(await check(servers));
  }
  const slowest = Math.max(...configs.slice(0, 3).map(([name]) => median(walls.get(name)!)));
  const three = median(walls.get('3 resolvers')!);
  // Every relay saw RUNS single runs and RUNS three-resolver runs: each question at most twice per run pair.
  const once = relays.every((r) => {
    const counts = new Map<string, number>();
    for (const q of r.asked) counts.set(q, (counts.get(q) ?? 0) + 1);
    return [...counts.values()].every((n) => n === 2 * RUNS);
  });
  console.log(`spf-check over 3 resolvers (median of ${RUNS} runs each, CLI wall time)`);
  for (const [name] of configs)
    console.log(`  ${name.padEnd(22)} ${median(walls.get(name)!).toFixed(0).padStart(5)} ms`);
  console.log(
    `  ratio 3 resolvers / slowest single: ${(three / slowest).toFixed(2)} (goal <= 1.20: ${three / slowest <= 1.2 ? 'met' : 'NOT met'}); each name and type asked once per resolver per run: ${once ? 'yes' : 'NO'}`,
  );
} finally {
  for (const r of relays) r.close();
  await stopLab(lab.dir);
}
