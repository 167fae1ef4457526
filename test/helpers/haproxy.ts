import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Lab } from '../../lab/index.ts';
import { freePort } from '../../lab/process.ts';
import { mailops } from './cli.js';
import { tempDir } from './scratch.js';

/**
 * A real HAProxy that haproxy-bootstrap configured, in front of the lab's PROXY v2 listeners, on
 * free ports: smtp_in (postscreen), imap_in (Dovecot) and dead_in, whose backend is gone. `full`
 * is the spec of all three, `live` of the two that answer. The caller stops `haproxy`.
 */
export async function bootstrappedHaproxy(lab: Lab, prefix: string) {
  const ports = { smtp: await freePort(), imap: await freePort(), dead: await freePort() };
  const dir = tempDir(prefix);
  const backends = [
    {
      name: 'postscreen',
      check: { type: 'tcp', interval: '2m' },
      servers: [{ name: 'postfix', address: '127.0.0.1', port: lab.smtp.proxiedPort }],
    },
    { name: 'dovecot', servers: [{ name: 'dovecot', address: '127.0.0.1', port: lab.imap.proxiedPort }] },
    { name: 'gone', servers: [{ name: 'nobody', address: '127.0.0.1', port: 1 }] },
  ];
  const bind = (port: number) => ({ address: '127.0.0.1', port });
  const frontends = [
    { name: 'smtp_in', bind: bind(ports.smtp), protocol: 'smtp', backend: 'postscreen' },
    { name: 'imap_in', bind: bind(ports.imap), protocol: 'imap', backend: 'dovecot' },
    { name: 'dead_in', bind: bind(ports.dead), protocol: 'smtp', backend: 'gone' },
  ];
  const [full, live, cfg] = [join(dir, 'spec.yaml'), join(dir, 'live.yaml'), join(dir, 'haproxy.cfg')];
  writeFileSync(full, stringify({ backends, frontends }));
  writeFileSync(live, stringify({ backends: backends.slice(0, 2), frontends: frontends.slice(0, 2) }));
  const bootstrap = await mailops(['haproxy-bootstrap', '--spec', full, '--file', cfg]);
  if (bootstrap.exitCode !== 0) throw new Error(`haproxy-bootstrap failed: ${bootstrap.stderr}`);
  const haproxy: ChildProcess = spawn('/usr/sbin/haproxy', ['-db', '-f', cfg], { stdio: 'ignore' });
  return { full, live, ports, haproxy };
}
