import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { spawnDaemon, portOpen, waitFor } from '../process.ts';
import type { LabContext, Started } from './types.ts';

const BIN = '/usr/lib/postgresql/15/bin';

/** A PostgreSQL cluster of its own, with password (SCRAM) login for user "mailops" over TCP. */
export async function startPostgres(ctx: LabContext, password: string): Promise<Started> {
  const port = await ctx.port();
  const data = ctx.path('pg-data');
  const sockets = ctx.path('pg-run');
  // PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
  const asRoot = userInfo().uid === 0;
  const owner = asRoot
    ? Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
    : undefined;
  const group = asRoot
    ? Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
    : undefined;
  mkdirSync(sockets, { recursive: true });
  mkdirSync(data, { recursive: true, mode: 0o700 });
  const pwfile = ctx.path('pg-password');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner !== undefined && group !== undefined) {
    chownSync(sockets, owner, group);
    chownSync(data, owner, group);
    chownSync(pwfile, owner, group);
  }
  const ids = owner !== undefined ? { uid: owner, gid: group } : {};
  if (!existsSync(`${data}/PG_VERSION`)) {
    execFileSync(
      `${BIN}/initdb`,
      [
        '-D',
        data,
        '-U',
        'mailops',
        '--auth=scram-sha-256',
        `--pwfile=${pwfile}`,
        '--no-sync',
        '-E',
        'UTF8',
        '--locale=C',
      ],
      { stdio: 'pipe', ...ids },
    );
  }
  const pid = spawnDaemon(
    `${BIN}/postgres`,
    ['-D', data, '-p', String(port), '-k', sockets, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    { logFile: ctx.path('postgres.log'), ...ids },
  );
  await waitFor('postgres', () => portOpen(port), 30_000);
  return {
    name: 'postgres',
    pid,
    expect: 'postgres',
    info: { port, user: 'mailops', password, database: 'postgres' },
  };
}
