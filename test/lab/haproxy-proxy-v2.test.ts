import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { Report } from '../../src/checks/types.js';
import { mailops, until } from '../helpers/cli.js';
import { bootstrappedHaproxy } from '../helpers/haproxy.js';

const lab = inject('lab');
/** The "real client": a loopback address other than HAProxy's own 127.0.0.1. */
const CLIENT = '127.0.0.5';
let haproxy: ChildProcess | undefined;
afterAll(() => haproxy?.kill('SIGTERM'));

/** A client conversation from CLIENT: read a greeting, send lines, read until the pattern. */
function converse(port: number, lines: string[], done: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: CLIENT });
    let text = '';
    let sent = false;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (!sent && text.includes('\n')) {
        sent = true;
        socket.write(lines.map((l) => `${l}\r\n`).join(''));
      }
      if (done.test(text)) {
        socket.end();
        resolve(text);
      }
    });
    socket.on('error', reject);
    setTimeout(() => reject(new Error(`no ${String(done)} in ${JSON.stringify(text)}`)), 10_000);
  });
}

describe('haproxy-bootstrap end to end: real HAProxy, PROXY v2 to Postfix postscreen and Dovecot', () => {
  it('delivers the real client address to postscreen and Dovecot, and verify checks every frontend', async () => {
    const started = await bootstrappedHaproxy(lab, 'haproxy-e2e');
    haproxy = started.haproxy;
    const { full: fullSpec, live: liveSpec } = started;
    const { smtp: smtpPort, imap: imapPort, dead: deadPort } = started.ports;
    const verify = async (spec: string) => {
      const run = await mailops([
        'haproxy-bootstrap',
        'verify',
        '--spec',
        spec,
        '--connect-timeout',
        '3s',
        '--output',
        'json',
      ]);
      return { ...run, report: JSON.parse(run.stdout) as Report };
    };
    let live = await verify(liveSpec);
    for (let i = 0; i < 30 && live.exitCode !== 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      live = await verify(liveSpec);
    }
    expect(live.exitCode).toBe(0);
    expect(live.report.checks.map((c) => c.summary)).toEqual([
      expect.stringMatching(
        new RegExp(`^220 mail\\.mailops\\.test ESMTP Postfix \\(via 127\\.0\\.0\\.1:${smtpPort}\\)$`),
      ),
      expect.stringMatching(
        new RegExp(`^\\* OK .*Dovecot.* ready\\. \\(via 127\\.0\\.0\\.1:${imapPort}\\)$`),
      ),
    ]);

    const smtp = await converse(smtpPort, ['EHLO client.mailops.test', 'QUIT'], /^221 /m);
    expect(smtp).toMatch(/^250[ -]/m);
    await until(
      'postscreen to log the client from the PROXY header',
      () =>
        readFileSync(lab.smtp.logFile, 'utf8').includes(`postscreen[`) &&
        new RegExp(
          `postscreen\\[\\d+\\]: CONNECT from \\[${CLIENT.replace(/\./g, '\\.')}\\]:\\d+ to \\[127\\.0\\.0\\.1\\]:${smtpPort}`,
        ).test(readFileSync(lab.smtp.logFile, 'utf8')),
    );
    await converse(imapPort, ['a LOGOUT'], /^a OK/m);
    await until('Dovecot to log the client from the PROXY header', () =>
      new RegExp(`imap-login: .*rip=${CLIENT.replace(/\./g, '\\.')}, lip=127\\.0\\.0\\.1`).test(
        readFileSync(lab.imap.logFile, 'utf8'),
      ),
    );

    const withDead = await verify(fullSpec);
    expect(withDead.exitCode).toBe(1);
    expect(withDead.report.summary).toBe('1 of 3 frontends gave no banner: dead_in');
    expect(withDead.report.checks.find((c) => c.name === 'frontend dead_in')?.summary).toMatch(
      new RegExp(
        `^127\\.0\\.0\\.1:${deadPort}: (closed before a banner|ECONNRESET|no banner within 3s) \\(is backend gone up\\?\\)$`,
      ),
    );
  });
});
