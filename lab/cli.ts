// The lab from a shell: `node lab/cli.ts start [dir]` prints the lab as JSON; `node lab/cli.ts stop <dir>`.
import { startLab, stopLab } from './index.ts';

const [action, dir] = process.argv.slice(2);
if (action === 'start') {
  const lab = await startLab(dir ? { dir } : {});
  process.stdout.write(`${JSON.stringify(lab, null, 2)}\n`);
} else if (action === 'stop' && dir) {
  await stopLab(dir);
} else {
  process.stderr.write('usage: node lab/cli.ts start [dir] | stop <dir>\n');
  process.exitCode = 2;
}
