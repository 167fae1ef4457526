import { spawnDaemon, portOpen, waitFor } from '../process.ts';
import type { LabContext, Started } from './types.ts';

export async function startRedis(ctx: LabContext, password: string): Promise<Started> {
  const port = await ctx.port();
  const pid = spawnDaemon(
    '/usr/bin/redis-server',
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      ctx.dir,
      '--requirepass',
      password,
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ],
    { logFile: ctx.path('redis.log') },
  );
  await waitFor('redis', () => portOpen(port));
  return { name: 'redis', pid, expect: 'redis-server', info: { port, password } };
}
