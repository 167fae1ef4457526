import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, groupMembers, stopGroup } from './process.ts';
import { type MailUser, startDovecot } from './services/dovecot.ts';
import { startHaproxy } from './services/haproxy.ts';
import { startKnot } from './services/knot.ts';
import { startPostfix } from './services/postfix.ts';
import { startPostgres } from './services/postgres.ts';
import { startPushgateway } from './services/pushgateway.ts';
import { startRedis } from './services/redis.ts';
import type { LabContext, Started } from './services/types.ts';
import { makeTls } from './tls.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MAIL_USER = 'mailops-vmail';

export interface ServiceProcess {
  name: string;
  pid: number;
  expect: string;
}

/** Every process group a started service owns, main one first. */
function processesOf(started: Started[]): ServiceProcess[] {
  return started.flatMap(({ name, pid, expect, also }) => [
    { name, pid, expect },
    ...(also ?? []).map((p) => ({ name, ...p })),
  ]);
}

/** An authoritative Knot: its zone files are the lab's own copy, reloadable with knotc -c <conf>. */
export interface DnsServer {
  server: string;
  port: number;
  zones: string[];
  zonesDir: string;
  conf: string;
}

export interface Lab {
  dir: string;
  domain: string;
  caFile: string;
  users: MailUser[];
  pushgateway: { url: string; port: number };
  dns: DnsServer;
  /**
   * A second authoritative server with the next version of spf.test (fixtures/zones-next),
   * on 127.0.0.2 at dns's port: spf.test's ns2 where dns is its ns1.
   */
  dnsNext: DnsServer;
  /** proxiedPort: postscreen expecting PROXY v2 (postscreen_upstream_proxy_protocol = haproxy). */
  smtp: {
    smtpPort: number;
    submissionPort: number;
    /** Submission over implicit TLS (465-style). */
    submissionsPort: number;
    proxiedPort: number;
    logFile: string;
    configDir: string;
  };
  /** proxiedPort: an IMAP listener with haproxy = yes. */
  imap: { imapPort: number; imapsPort: number; proxiedPort: number; config: string; logFile: string };
  haproxy: { port: number; config: string };
  redis: { port: number; password: string };
  postgres: { port: number; user: string; password: string; database: string };
  /** Local tools the lab checked for; they need no daemon. */
  tools: { rsync: string; sqlite3: string };
  services: ServiceProcess[];
}

const secret = () => randomBytes(12).toString('base64url');

function ensurePackages(): void {
  try {
    execFileSync('bash', [join(ROOT, 'lab/install-packages.sh')], { stdio: ['ignore', 'inherit', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    throw new Error(stderr || 'lab: could not install the Debian packages', { cause: error });
  }
}

/** The unprivileged owner of the lab's Maildirs; created when root, else the current user. */
function mailOwner(): { uid: number; gid: number } {
  const me = userInfo();
  if (me.uid !== 0) return { uid: me.uid, gid: me.gid };
  try {
    execFileSync('id', ['-u', MAIL_USER], { stdio: 'pipe' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', MAIL_USER]);
  }
  const id = (flag: string) => Number(execFileSync('id', [flag, MAIL_USER], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Starts every lab server on free loopback ports; on any failure, stops what started and rethrows. */
export async function startLab(options: { dir?: string } = {}): Promise<Lab> {
  ensurePackages();
  // Under /tmp, not the checkout: the postgres, dovecot and mail users must be able to reach it.
  const dir = options.dir ?? join(tmpdir(), `mailops-lab-${Date.now()}-${process.pid}`);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const owner = mailOwner();
  const domain = 'mailops.test';
  const ctx: LabContext = {
    dir,
    path: (name) => join(dir, name),
    port: freePort,
    mailUid: owner.uid,
    mailGid: owner.gid,
    domain,
    fixtures: join(ROOT, 'fixtures'),
  };
  const started: Started[] = [];
  const keep = (s: Started) => {
    started.push(s);
    writeState(dir, started);
    return s;
  };
  try {
    const tls = makeTls(ctx.path('tls'), domain);
    const users: MailUser[] = [
      { address: `probe@${domain}`, password: secret() },
      { address: `backup@${domain}`, password: secret() },
      { address: `restore@${domain}`, password: secret() },
      { address: `sink@${domain}`, password: secret() },
      // The promtool test's and the gate's own mailboxes: no other test empties them under a running probe.
      { address: `metrics@${domain}`, password: secret() },
      { address: `gate@${domain}`, password: secret() },
    ];
    // One port for both Knots: spf.test's ns1 (127.0.0.1) and ns2 (127.0.0.2) then differ
    // only by address, so the zone's NS set leads to both.
    const dnsPort = await ctx.port();
    const [pushgateway, knot, knotNext, redis, postgres, dovecot] = await allOrThrow<
      [Started, Started, Started, Started, Started, Started]
    >([
      startPushgateway(ctx).then(keep),
      startKnot(ctx, 'knot', 'zones', { port: dnsPort }).then(keep),
      startKnot(ctx, 'knot-next', 'zones-next', { address: '127.0.0.2', port: dnsPort }).then(keep),
      startRedis(ctx, secret()).then(keep),
      startPostgres(ctx, secret()).then(keep),
      startDovecot(ctx, tls, users).then(keep),
    ]);
    const postfix = keep(
      await startPostfix(ctx, tls, {
        lmtpSocket: dovecot.info.lmtpSocket as string,
        authSocket: dovecot.info.authSocket as string,
      }),
    );
    const haproxy = keep(await startHaproxy(ctx, dovecot.info.imapPort as number));
    const lab: Lab = {
      dir,
      domain,
      caFile: tls.caFile,
      users,
      pushgateway: pushgateway.info as Lab['pushgateway'],
      dns: knot.info as unknown as DnsServer,
      dnsNext: knotNext.info as unknown as DnsServer,
      smtp: postfix.info as Lab['smtp'],
      imap: dovecot.info as Lab['imap'],
      haproxy: haproxy.info as Lab['haproxy'],
      redis: redis.info as Lab['redis'],
      postgres: postgres.info as Lab['postgres'],
      tools: { rsync: '/usr/bin/rsync', sqlite3: '/usr/bin/sqlite3' },
      services: processesOf(started),
    };
    writeFileSync(join(dir, 'lab.json'), JSON.stringify(lab, null, 2));
    return lab;
  } catch (error) {
    await stopServices(processesOf(started));
    throw error;
  }
}

/** Like Promise.all, but waits for every start to settle, so none is still starting when we clean up. */
async function allOrThrow<T extends unknown[]>(starts: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(starts);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as T;
}

function writeState(dir: string, started: Started[]): void {
  writeFileSync(join(dir, 'services.json'), JSON.stringify(processesOf(started)));
}

async function stopServices(services: ServiceProcess[]): Promise<void> {
  // Reverse order: HAProxy and Postfix go before the Dovecot sockets they use.
  for (const service of [...services].reverse()) await stopGroup(service.pid, service.expect);
}

/** Stops every server of a lab directory by PID (process group) and removes the directory. */
export async function stopLab(dir: string, options: { keepFiles?: boolean } = {}): Promise<void> {
  const file = join(dir, 'services.json');
  if (existsSync(file)) {
    const services = JSON.parse(readFileSync(file, 'utf8')) as ServiceProcess[];
    await stopServices(services);
    const left = services.flatMap((s) => groupMembers(s.pid));
    if (left.length > 0) throw new Error(`lab: processes still running after stop: ${left.join(', ')}`);
  }
  if (!options.keepFiles) rmSync(dir, { recursive: true, force: true });
}
