import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../lab/process.ts';
import { recordFault, runTimed } from '../helpers/faults.js';
import { probeArgs, probeEnv } from '../helpers/probe.js';
import { ownJob } from '../helpers/pushgateway.js';
import { tempDir } from '../helpers/scratch.js';
import {
  quotingImapServer,
  quotingSmtpServer,
  type Recorded,
  recordingHttpServer,
  type Running,
} from '../helpers/stand-ins.js';

const lab = inject('lab');
/** A secret with what JSON, XML and Prometheus escape: masked before escaping, or it leaks escaped. */
const SECRET = 'pa"ss<&>\\word-7';
const USER = 'probe@mailops.test';
const b64 = (text: string) => Buffer.from(text).toString('base64');
/** Every spelling of the secret a sink could carry. */
const LEAKS = [
  SECRET,
  JSON.stringify(SECRET).slice(1, -1),
  SECRET.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
  encodeURIComponent(SECRET),
  b64(SECRET),
  b64(`\0${USER}\0${SECRET}`),
  b64(`${USER}:${SECRET}`),
  // The distinctive middle of the secret, whatever escaping surrounds it.
  'word-7',
];

function expectMasked(sink: string, text: string): void {
  for (const leak of LEAKS) expect(text, `${sink} carries ${JSON.stringify(leak)}`).not.toContain(leak);
}

let echo: Running & { requests: Recorded[] };
let recorder: Running & { requests: Recorded[] };
let imap: Running;
let smtp: Running;

beforeAll(async () => {
  echo = await recordingHttpServer({ status: 401 });
  recorder = await recordingHttpServer({ forward: lab.pushgateway.url });
  imap = await quotingImapServer();
  smtp = await quotingSmtpServer();
});
afterAll(async () => {
  await Promise.all([echo, recorder, imap, smtp].map((server) => server.close()));
});

describe('secrets that servers quote back are masked in every sink, at any verbosity', () => {
  it.each(['text', 'json', 'prom'])(
    'readiness-gate --output %s -v, with --junit and a push',
    async (format) => {
      const dir = tempDir('secrets');
      const passwordFile = join(dir, 'password');
      writeFileSync(passwordFile, `${SECRET}\n`);
      const closed = await freePort();
      const checks = [
        // The server echoes the Authorization header in its error body.
        {
          name: 'api',
          kind: 'http',
          url: `http://127.0.0.1:${echo.port}/`,
          'headers-from-env': { authorization: 'API_TOKEN' },
        },
        // A URL with userinfo, in a connection error.
        {
          name: 'url',
          kind: 'http',
          url: `http://probe:${encodeURIComponent(SECRET)}@127.0.0.1:${closed}/health`,
        },
        // A password file's content quoted back by the server.
        {
          name: 'mailbox',
          kind: 'imap',
          host: '127.0.0.1',
          port: imap.port,
          tls: 'none',
          user: USER,
          'password-file': passwordFile,
        },
        // The SASL token quoted back.
        {
          name: 'relay',
          kind: 'smtp',
          host: '127.0.0.1',
          port: smtp.port,
          tls: 'none',
          user: USER,
          'password-env': 'SMTP_PASSWORD',
        },
      ].map((c) => ({ ...c, 'attempt-timeout': '2s' }));
      const config = join(dir, 'gate.yaml');
      writeFileSync(config, stringify({ 'readiness-gate': { interval: '500ms', checks } }));
      const junit = join(dir, 'junit.xml');
      const job = ownJob('secrets');
      const pushes = recorder.requests.length;
      const run = await runTimed(
        [
          'readiness-gate',
          '--config',
          config,
          '--timeout',
          '3s',
          '--output',
          format,
          '-v',
          '--junit',
          junit,
        ].concat(['--pushgateway', `http://127.0.0.1:${recorder.port}`, '--job', job]),
        { env: { API_TOKEN: `Bearer ${SECRET}`, SMTP_PASSWORD: SECRET } },
      );
      expect(run.exitCode).toBe(1);
      const pushed = recorder.requests
        .slice(pushes)
        .map((r) => r.body)
        .join('\n');
      const xml = readFileSync(junit, 'utf8');
      for (const [sink, text] of [
        ['stdout', run.stdout],
        ['stderr', run.stderr],
        ['JUnit', xml],
        ['push', pushed],
      ] as const)
        expectMasked(sink, text);
      // Each secret did reach a message, masked: the test would see a leak.
      const said = format === 'prom' ? xml : run.stdout;
      expect(said).toContain('rejected: authorization=***');
      expect(said).toMatch(/http:\/\/probe:\*\*\*@127\.0\.0\.1:\d+\/health: connect ECONNREFUSED/);
      expect(said).toContain('no user accepts the password ***');
      expect(said).toContain('authentication failed for ***');
      expect(run.stderr).toContain('rejected: authorization=***');
      expect(pushed).toContain('readiness_gate_success 0');
      if (format === 'json')
        recordFault({
          fault:
            'servers quoting secrets back (an echoed Authorization header, a URL with userinfo, a password, a SASL token)',
          command: 'readiness-gate -v --output json --junit',
          seconds: run.seconds,
          exitCode: run.exitCode,
          pushed: '`readiness_gate_success 0`, no secret',
          left: 'a JUnit file with every secret masked',
        });
    },
  );

  it.each(['text', 'json', 'prom'])(
    'probe-roundtrip --output %s -v: a password file quoted back by the IMAP server',
    async (format) => {
      const passwordFile = join(tempDir('secrets'), 'imap-password');
      writeFileSync(passwordFile, `${SECRET}\n`);
      const args = probeArgs(lab).filter(
        (a, i, all) =>
          !['--imap-port', '--imap-tls', '--imap-user'].includes(all[i - 1] ?? '') &&
          !['--imap-port', '--imap-tls', '--imap-user'].includes(a),
      );
      const pushes = recorder.requests.length;
      const run = await runTimed(
        [
          ...args,
          '--imap-port',
          String(imap.port),
          '--imap-tls',
          'none',
          '--imap-user',
          USER,
          '--imap-password-file',
          passwordFile,
        ].concat([
          '--output',
          format,
          '-v',
          '--pushgateway',
          `http://127.0.0.1:${recorder.port}`,
          '--job',
          ownJob('secrets-probe'),
        ]),
        { env: { MAILOPS_SMTP_PASSWORD: probeEnv(lab).MAILOPS_SMTP_PASSWORD! } },
      );
      expect(run.exitCode).toBe(1);
      const pushed = recorder.requests
        .slice(pushes)
        .map((r) => r.body)
        .join('\n');
      for (const [sink, text] of [
        ['stdout', run.stdout],
        ['stderr', run.stderr],
        ['push', pushed],
      ] as const)
        expectMasked(sink, text);
      if (format !== 'prom') expect(run.stdout).toContain('no user accepts the password ***');
      expect(run.stderr).toContain('no user accepts the password ***');
      expect(pushed).toContain('email_roundtrip_failure_info{phase="auth"} 1');
    },
  );

  it('a Pushgateway that echoes the Authorization header made from URL userinfo, in the push error', async () => {
    const config = join(tempDir('secrets'), 'gate.yaml');
    writeFileSync(
      config,
      stringify({ 'readiness-gate': { checks: [{ name: 'ok', kind: 'command', run: 'true' }] } }),
    );
    const gateway = `http://ops:${encodeURIComponent(SECRET)}@127.0.0.1:${echo.port}`;
    const run = await runTimed([
      'readiness-gate',
      '--config',
      config,
      '--pushgateway',
      gateway,
      '-v',
      '--output',
      'json',
    ]);
    expect(run.exitCode).toBe(4);
    expectMasked('stderr', run.stderr);
    expectMasked('stdout', run.stdout);
    expect(run.stderr).toMatch(/expected HTTP 2xx, got 401 \(rejected: authorization=Basic \*\*\*\)/);
    expect(echo.requests.at(-1)?.authorization, 'the header did carry the secret').toBe(
      `Basic ${b64(`ops:${SECRET}`)}`,
    );
  });
});
