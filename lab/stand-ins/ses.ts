// Amazon SES v2 cannot run here: aws-ses-v2-local is a real SES v2 API emulator
// (npm), started as its own process and told to forward what it accepts to the
// lab's Postfix over SMTP, as SES would deliver to the recipient's MX.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort, portOpen, stopGroup, waitFor } from '../process.ts';

export interface SesEmulator {
  endpoint: string;
  close(): Promise<void>;
}

export async function startSesEmulator(options: { mxPort: number }): Promise<SesEmulator> {
  const port = await freePort();
  const pkg = createRequire(import.meta.url).resolve('aws-ses-v2-local/package.json');
  const child = spawn(
    process.execPath,
    [join(dirname(pkg), 'dist/cli.js'), '--host', '127.0.0.1', '--port', String(port)],
    {
      detached: true,
      stdio: 'ignore',
      env: {
        PATH: process.env.PATH,
        SMTP_TRANSPORT: JSON.stringify({
          host: '127.0.0.1',
          port: options.mxPort,
          secure: false,
          ignoreTLS: true,
        }),
      },
    },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('ses emulator: could not start');
  child.unref();
  await waitFor('ses emulator', () => portOpen(port));
  return { endpoint: `http://127.0.0.1:${port}`, close: () => stopGroup(pid, 'cli.js') };
}
