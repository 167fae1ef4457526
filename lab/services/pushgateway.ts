import { request } from 'undici';
import { spawnDaemon, waitFor } from '../process.ts';
import type { LabContext, Started } from './types.ts';

export async function startPushgateway(ctx: LabContext): Promise<Started> {
  const port = await ctx.port();
  const pid = spawnDaemon(
    '/usr/bin/prometheus-pushgateway',
    // Debian's default persists to /var/lib/prometheus: a lab keeps its metrics in memory, to itself.
    [`--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', '--persistence.file='],
    { logFile: ctx.path('pushgateway.log') },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor('pushgateway', async () => (await request(`${url}/-/ready`)).statusCode === 200);
  return { name: 'pushgateway', pid, expect: 'pushgateway', info: { url, port } };
}
