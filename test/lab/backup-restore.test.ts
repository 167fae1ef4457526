import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { describe, expect, inject, it } from 'vitest';
import { periodId } from '../../src/checks/period.js';
import { backup } from '../helpers/backup.js';
import { tempDir } from '../helpers/scratch.js';
import { labImap } from '../helpers/imap.js';
import { ownJob, scrape } from '../helpers/pushgateway.js';

const lab = inject('lab');
// A mailbox of its own: other test files run in parallel and empty theirs.
const user = lab.users[2]!;
const home = join(lab.dir, 'mail', lab.domain, user.address.split('@')[0]!);

const sql = (db: string, statement: string) =>
  execFileSync('sqlite3', [db, statement], { encoding: 'utf8' }).trim();

async function findTag(tag: string): Promise<number> {
  const client = await labImap(lab, user);
  try {
    const uids = await client.search({ header: { 'X-Restore-Proof': tag } }, { uid: true });
    return uids ? uids.length : 0;
  } finally {
    await client.logout();
  }
}

const job = ownJob('webmail-backup');

describe('backup -> wipe -> restore, proven on real data', () => {
  it('brings back a message delivered through Postfix and Dovecot, and the rows of a SQLite database', async () => {
    // A message through the real mail path (SMTP -> Postfix -> LMTP -> Dovecot Maildir).
    const tag = `restore-proof-${Date.now()}`;
    const mx = nodemailer.createTransport({ host: '127.0.0.1', port: lab.smtp.smtpPort, ignoreTLS: true });
    await mx.sendMail({
      from: 'sender@relay.example',
      to: user.address,
      subject: tag,
      text: 'keep me',
      headers: { 'X-Restore-Proof': tag },
    });
    mx.close();
    for (let i = 0; i < 100 && (await findTag(tag)) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await findTag(tag)).toBe(1);

    // A SQLite database with known rows; the pre-hook takes a consistent copy as the story's CronJob does.
    const data = tempDir('app');
    const db = join(data, 'app.db');
    sql(
      db,
      "create table accounts(name text primary key, totp text); insert into accounts values ('ann','JBSWY3DP'),('bob','KRSXG5CT');",
    );
    const dest = tempDir('backups');
    const done = await backup([
      '--source',
      `mail=${home}`,
      '--source',
      `db=${data}`,
      '--dest',
      dest,
      '--pre-hook',
      `sqlite3 ${db} ".backup ${db}.bak"`,
      '--pushgateway',
      lab.pushgateway.url,
      '--job',
      job,
    ]);
    expect(done.stderr).not.toMatch(/error/);
    expect(done.exitCode).toBe(0);
    expect((await scrape(lab.pushgateway.url, job, 'backup_success')).get('{instance=""}')).toBe(1);
    const id = periodId(new Date(), 'week');

    // Wipe each independently.
    for (const entry of readdirSync(home)) rmSync(join(home, entry), { recursive: true, force: true });
    sql(db, 'delete from accounts;');
    expect(await findTag(tag)).toBe(0);
    expect(sql(db, 'select count(*) from accounts;')).toBe('0');
    // That IMAP session made Dovecot rebuild its index files; let them settle before restoring over them.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const restore = (name: string, to: string) => [
      'restore',
      '--dest',
      dest,
      '--snapshot',
      id,
      '--name',
      name,
      '--to',
      to,
    ];
    // Restore both; the targets are not empty any more (Dovecot recreated the Maildir), so --force.
    const refused = await backup(restore('mail', home));
    expect(refused.exitCode).toBe(1);
    expect(refused.report?.summary).toMatch(
      /^Restore REFUSED: .* is not empty \(\d+ to write, \d+ to delete\); rerun with --force$/,
    );
    for (const name of ['mail', 'db']) {
      const restored = await backup([...restore(name, name === 'mail' ? home : data), '--force']);
      expect(restored.report?.summary, JSON.stringify(restored.report?.checks)).toMatch(
        /^Restore SUCCESS: .*checked against the manifest$/,
      );
    }
    execFileSync('doveadm', ['-c', lab.imap.config, 'force-resync', '-u', user.address, 'INBOX']);

    // The proof is the data, not the files: the message is found over IMAP, the rows are back.
    expect(await findTag(tag)).toBe(1);
    expect(sql(db, 'select name, totp from accounts order by name;')).toBe('ann|JBSWY3DP\nbob|KRSXG5CT');
  });
});
