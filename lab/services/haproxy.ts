import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { spawnDaemon, portOpen, waitFor } from '../process.ts';
import type { LabContext, Started } from './types.ts';

/** HAProxy in TCP mode in front of the lab's IMAP listener, validated with haproxy -c before it starts. */
export async function startHaproxy(ctx: LabContext, imapPort: number): Promise<Started> {
  const port = await ctx.port();
  const cfg = ctx.path('haproxy.cfg');
  writeFileSync(
    cfg,
    [
      'global',
      '    maxconn 256',
      'defaults',
      '    mode tcp',
      '    timeout connect 5s',
      '    timeout client 31m',
      '    timeout server 31m',
      'frontend imap_in',
      `    bind 127.0.0.1:${port}`,
      '    default_backend dovecot_imap',
      'backend dovecot_imap',
      `    server dovecot 127.0.0.1:${imapPort} check inter 2s`,
      '',
    ].join('\n'),
  );
  execFileSync('/usr/sbin/haproxy', ['-c', '-q', '-f', cfg], { stdio: 'pipe' });
  const pid = spawnDaemon('/usr/sbin/haproxy', ['-db', '-f', cfg], { logFile: ctx.path('haproxy.log') });
  await waitFor('haproxy', () => portOpen(port));
  return { name: 'haproxy', pid, expect: 'haproxy', info: { port, config: cfg } };
}
