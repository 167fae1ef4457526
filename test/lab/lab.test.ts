import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { startLab, stopLab } from '../../lab/index.ts';
import { groupMembers, readBanner } from '../../lab/process.ts';

const lab = inject('lab');

/** Sends one RESP command to Redis and returns the first reply line. */
function redisCommand(port: number, ...args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let data = '';
    socket.setTimeout(3000, () => socket.destroy(new Error('redis timeout')));
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString();
      const lines = data.split('\r\n').filter(Boolean);
      if (lines.length >= 2) {
        socket.end();
        resolve(lines);
      }
    });
    socket.on('error', reject);
    const encode = (parts: string[]) =>
      `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join('')}`;
    socket.write(encode(['AUTH', lab.redis.password]) + encode(args));
  });
}

describe('the lab of real servers', () => {
  it('Postfix greets on the SMTP and submission ports', async () => {
    expect(await readBanner(lab.smtp.smtpPort)).toMatch(/^220 mail\.mailops\.test ESMTP/);
    expect(await readBanner(lab.smtp.submissionPort)).toMatch(/^220 /);
  });

  it('Dovecot greets over IMAP, and HAProxy passes the greeting through', async () => {
    expect(await readBanner(lab.imap.imapPort)).toMatch(/^\* OK .*Dovecot/);
    expect(await readBanner(lab.haproxy.port)).toMatch(/^\* OK .*Dovecot/);
  });

  it('Knot answers for the fixture zone', () => {
    const out = execFileSync(
      '/usr/bin/kdig',
      ['@127.0.0.1', '-p', String(lab.dns.port), '+short', '+timeout=2', 'TXT', '_dmarc.mailops.test'],
      {
        encoding: 'utf8',
      },
    );
    expect(out).toContain('v=DMARC1; p=quarantine');
  });

  it('Redis answers PING after AUTH', async () => {
    expect(await redisCommand(lab.redis.port, 'PING')).toEqual(['+OK', '+PONG']);
  });

  it('PostgreSQL runs a query with password login over TCP', () => {
    const out = execFileSync(
      '/usr/bin/psql',
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(lab.postgres.port),
        '-U',
        lab.postgres.user,
        '-d',
        'postgres',
        '-tAc',
        'select 40 + 2',
      ],
      { encoding: 'utf8', env: { ...process.env, PGPASSWORD: lab.postgres.password } },
    );
    expect(out.trim()).toBe('42');
  });

  it('has rsync and sqlite3', () => {
    expect(execFileSync(lab.tools.rsync, ['--version'], { encoding: 'utf8' })).toMatch(/^rsync\s+version/);
    expect(execFileSync(lab.tools.sqlite3, [':memory:', 'select 6*7'], { encoding: 'utf8' }).trim()).toBe(
      '42',
    );
  });

  it('starts and stops a second lab with nothing left behind', async () => {
    const dir = join(tmpdir(), `mailops-lab-test-${process.pid}`);
    const second = await startLab({ dir });
    const pids = second.services.map((s) => s.pid);
    expect(pids.every((pid) => groupMembers(pid).length > 0)).toBe(true);
    expect(await readBanner(second.smtp.smtpPort)).toMatch(/^220 /);
    await stopLab(dir);
    expect(pids.flatMap((pid) => groupMembers(pid))).toEqual([]);
    expect(existsSync(dir)).toBe(false);
    // The first lab is untouched.
    expect(await readBanner(lab.smtp.smtpPort)).toMatch(/^220 /);
  });
});
