import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnDaemon, waitFor } from '../process.ts';
import type { LabContext, Started } from './types.ts';

/**
 * Knot DNS, authoritative for every fixtures/<folder>/<zone>.zone, on UDP and TCP. A
 * second instance serves fixtures/zones-next: the same zones mid-change, for propagation.
 * Two instances may share a port on different loopback addresses, as a zone's name
 * servers do on port 53.
 */
export async function startKnot(
  ctx: LabContext,
  name = 'knot',
  folder = 'zones',
  listen: { address?: string; port?: number } = {},
): Promise<Started> {
  const address = listen.address ?? '127.0.0.1';
  const port = listen.port ?? (await ctx.port());
  const dir = ctx.path(name);
  mkdirSync(dir, { recursive: true });
  // A copy: a test may edit a zone and reload it (knotc -c <conf> zone-reload) mid-run.
  const zonesDir = join(dir, 'zones');
  cpSync(join(ctx.fixtures, folder), zonesDir, { recursive: true });
  const zones = readdirSync(zonesDir)
    .filter((f) => f.endsWith('.zone'))
    .map((f) => f.slice(0, -'.zone'.length));
  const conf = [
    'server:',
    `    rundir: "${dir}"`,
    `    listen: ${address}@${port}`,
    'log:',
    '  - target: stderr',
    '    any: warning',
    'database:',
    `    storage: "${dir}"`,
    'template:',
    '  - id: default',
    `    storage: "${zonesDir}"`,
    '    zonefile-sync: -1',
    '    zonefile-load: whole',
    '    journal-content: none',
    'zone:',
    ...zones.map((z) => `  - domain: ${z}\n    file: "${z}.zone"`),
    '',
  ].join('\n');
  const confFile = join(dir, 'knot.conf');
  writeFileSync(confFile, conf);
  execFileSync('/usr/sbin/knotc', ['-c', confFile, 'conf-check'], { stdio: 'pipe' });
  const pid = spawnDaemon('/usr/sbin/knotd', ['-c', confFile], { logFile: ctx.path(`${name}.log`) });
  await waitFor(name, () => {
    const out = execFileSync(
      '/usr/bin/kdig',
      [`@${address}`, '-p', String(port), '+short', '+timeout=1', '+retry=0', 'SOA', zones[0] ?? '.'],
      {
        encoding: 'utf8',
      },
    );
    return out.trim().length > 0;
  });
  return {
    name,
    pid,
    expect: 'knotd',
    info: { port, zones, server: `${address}:${port}`, zonesDir, conf: confFile },
  };
}
