// The demo: starts the lab of real servers, runs each subcommand against it with
// text output and a push to the lab Pushgateway, shows what reached the
// Pushgateway, and stops the lab.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { request } from 'undici';
import { type Lab, startLab, stopLab } from '../lab/index.ts';
import { demoSteps } from './demo-steps.ts';

const bin = join(import.meta.dirname, '../bin/mailops.js');

function run(title: string, args: string[], env: Record<string, string> = {}): number {
  process.stdout.write(`\n$ mailops ${args.join(' ')}\n`);
  const result = spawnSync(process.execPath, [bin, ...args], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  process.stdout.write(`(${title}: exit ${result.status})\n`);
  return result.status ?? -1;
}

async function showPushgateway(lab: Lab): Promise<void> {
  const response = await request(`${lab.pushgateway.url}/metrics`);
  const lines = (await response.body.text())
    .split('\n')
    .filter((line) => line && !line.startsWith('#') && /job="/.test(line) && !line.startsWith('push_'));
  process.stdout.write(
    `\nWhat reached the Pushgateway (${lab.pushgateway.url}/metrics):\n${lines.join('\n')}\n`,
  );
}

process.stdout.write(
  'Starting the lab: Postfix, Dovecot, Knot, HAProxy, Redis, PostgreSQL, Pushgateway on 127.0.0.1 ...\n',
);
const lab = await startLab();
let failures = 0;
try {
  process.stdout.write(`Lab up in ${lab.dir}\n`);
  run('help', ['--help']);
  for (const step of demoSteps(lab)) {
    if (run(step.title, step.args, step.env) !== step.expectExit) failures++;
  }
  await showPushgateway(lab);
} finally {
  await stopLab(lab.dir);
  process.stdout.write('\nLab stopped; no server left running.\n');
}
process.exitCode = failures ? 1 : 0;
