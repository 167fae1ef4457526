import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { labGateChecks, labGateEnv } from '../../lab/gate-checks.js';
import { gate } from '../helpers/gate.js';

const lab = inject('lab');
const secrets = labGateEnv(lab);
const labChecks = labGateChecks(lab);

const servers: Server[] = [];
/** An HTTP server on 127.0.0.1 whose answer the test changes as it goes. */
async function httpServer(answer: () => { status: number; body: unknown }): Promise<string> {
  const server = createServer((_req, res) => {
    const { status, body } = answer();
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}
afterAll(() => servers.forEach((s) => s.close()));

describe('readiness-gate against the lab', () => {
  it('passes when every kind of check is ready: DNS, SMTP, IMAP, Redis, PostgreSQL, TCP, TLS, command', async () => {
    const run = await gate(
      [
        ...Object.values(labChecks),
        { name: 'tcp', kind: 'tcp', host: '127.0.0.1', port: lab.smtp.smtpPort },
        {
          name: 'tls',
          kind: 'tls',
          host: '127.0.0.1',
          port: lab.imap.imapsPort,
          servername: 'mail.mailops.test',
          'ca-file': lab.caFile,
          'min-days': 0,
        },
        {
          name: 'command',
          kind: 'command',
          run: ['sh', '-c', 'echo zones: 3'],
          'output-matches': 'zones: 3',
        },
      ],
      [],
      secrets,
    ).catch((e: unknown) => {
      throw e;
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.report?.summary).toBe('Readiness gate PASSED: all 8 checks ready');
    expect(run.check('smtp')?.summary).toBe('220 mail.mailops.test ESMTP Postfix; STARTTLS and AUTH ok');
    expect(run.check('imap')?.summary).toBe(`logged in as ${lab.users[0]!.address}, INBOX opened`);
    expect(run.check('redis')?.summary).toBe('PING answered PONG');
    expect(run.check('postgres')?.summary).toBe('SELECT 40 + 2: 42');
    expect(run.metric('readiness_check_success', 'postgres')).toBe(1);
    expect(run.metric('readiness_gate_success')).toBe(1);
    expect(run.metric('readiness_gate_skipped')).toBe(0);
  });

  it('fails a wrong password, a wrong answer and a wrong query result, naming each', async () => {
    const run = await gate(
      [
        { ...labChecks.redis, 'password-env': 'WRONG' },
        { ...labChecks.dns, expect: ['192.0.2.1'] },
        { ...labChecks.postgres, query: 'SELECT 1', expect: '2' },
      ],
      ['--timeout', '3s'],
      { ...secrets, WRONG: 'not-the-password' },
    );
    expect(run.exitCode).toBe(1);
    expect(run.report?.summary).toBe('Readiness gate FAILED: redis, dns, postgres not ready');
    expect(run.check('dns')?.summary).toBe(
      `not ready at the deadline: A mail.mailops.test: ${lab.dns.server}: 127.0.0.1 (expected 192.0.2.1)`,
    );
    expect(run.check('postgres')?.summary).toBe('not ready at the deadline: SELECT 1: got 1, expected 2');
    expect(run.check('redis')?.summary).toMatch(
      /^not ready at the deadline: 127\.0\.0\.1:\d+: .*(WRONGPASS|invalid)/i,
    );
  });

  it('waits for a check that becomes ready only after a while (a 404 smoke request is healthy)', async () => {
    const readyAt = Date.now() + 1500;
    const url = await httpServer(() =>
      Date.now() < readyAt
        ? { status: 503, body: { error: 'starting' } }
        : { status: 404, body: { error: 'no such delivery' } },
    );
    const run = await gate(
      [
        {
          name: 'smoke',
          kind: 'http',
          url: `${url}/api/v1/internal/deliveries/does-not-exist`,
          'expect-status': 404,
          json: [{ path: '$.error', equals: 'no such delivery' }],
        },
      ],
      ['--timeout', '20s'],
    );
    expect(run.exitCode).toBe(0);
    expect(run.check('smoke')?.attempts).toBeGreaterThan(1);
    expect(run.metric('readiness_check_time_to_ready_seconds', 'smoke')).toBeGreaterThan(0);
  });

  it('sends headers from env and checks the body', async () => {
    let seen = '';
    const url = await httpServer(() => ({ status: 200, body: { version: '2.4.1' } }));
    const server = servers.at(-1)!;
    server.prependListener('request', (req: { headers: Record<string, string | undefined> }) => {
      seen = req.headers.authorization ?? '';
    });
    const check = {
      name: 'api',
      kind: 'http',
      url,
      'headers-from-env': { Authorization: 'API_AUTH' },
      'body-contains': '"version"',
      json: [{ path: '$.version', equals: '2.4.2' }],
    };
    const run = await gate([check], ['--timeout', '2s'], { API_AUTH: 'Bearer s3cret-token-123' });
    expect(seen).toBe('Bearer s3cret-token-123');
    expect(run.check('api')?.summary).toBe(
      `not ready at the deadline: ${url}: $.version is "2.4.1", expected "2.4.2"`,
    );
    const unset = await gate([check]);
    expect(unset.exitCode).toBe(2);
    expect(unset.stderr.trim()).toBe(
      'mailops: checks.api.headers-from-env.Authorization: expected API_AUTH to be set, got nothing',
    );
  });

  it('successes: a flapping check is ready only after that many passes in a row, a failure starting the count again', async () => {
    const answers = [200, 503, 200, 200, 200];
    let served = 0;
    const url = await httpServer(() => ({
      status: answers[Math.min(served++, answers.length - 1)]!,
      body: {},
    }));
    const run = await gate([{ name: 'flapping', kind: 'http', url, successes: 3 }], ['--timeout', '20s']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.check('flapping')?.attempts).toBe(5);
    expect(run.check('flapping')?.summary).toBe(`GET ${url}: as expected (3 passes in a row)`);
    expect(run.check('flapping')?.details).toMatchObject({ consecutive: { reached: 3, required: 3 } });

    let toggle = 0;
    const never = await httpServer(() => ({ status: toggle++ % 2 ? 503 : 200, body: { state: 'flapping' } }));
    const flaps = await gate(
      [{ name: 'flapping', kind: 'http', url: never, successes: 2 }],
      ['--timeout', '3s'],
    );
    expect(flaps.exitCode).toBe(1);
    expect(flaps.check('flapping')?.status).toBe('fail');
    // The last failure is the reason given, whether a pass followed it or not.
    expect(flaps.check('flapping')?.summary).toMatch(
      /^not ready at the deadline, [01] of 2 passes in a row: http:\/\/127\.0\.0\.1:\d+: HTTP 503, expected 200: \{"state":"flapping"\}$/,
    );
    expect(flaps.check('flapping')?.attempts).toBeGreaterThan(2);

    const zero = await gate([{ name: 'a', kind: 'tcp', host: '127.0.0.1', port: 1, successes: 0 }]);
    expect(zero.exitCode).toBe(2);
    expect(zero.stderr.trim()).toBe(
      `mailops: ${zero.file}: readiness-gate.checks[0].successes: expected a whole number >= 1, got 0`,
    );
  });

  it('fails at the one deadline and names the check that never became ready', async () => {
    const url = await httpServer(() => ({ status: 200, body: {} }));
    const run = await gate(
      [
        { name: 'api', kind: 'http', url },
        { name: 'closed-port', kind: 'tcp', host: '127.0.0.1', port: 1 },
      ],
      ['--timeout', '1500ms'],
    );
    expect(run.exitCode).toBe(1);
    expect(run.report?.summary).toBe('Readiness gate FAILED: closed-port not ready');
    expect(run.check('closed-port')?.summary).toMatch(
      /^not ready at the deadline: 127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
    expect(run.check('closed-port')?.attempts).toBeGreaterThan(1);
    expect(run.metric('readiness_check_success', 'api')).toBe(1);
    expect(run.metric('readiness_check_success', 'closed-port')).toBe(0);
  });

  it('parity: three instances that disagree, then converge; DNS SOA serials that differ', async () => {
    let lagging = 2;
    const convergeAt = Date.now() + 1200;
    const urls = await Promise.all(
      [3, 3, 0].map((own, i) =>
        httpServer(() => ({
          status: 200,
          body: { zones: { count: i === 2 ? (Date.now() < convergeAt ? lagging : own + 3) : own } },
        })),
      ),
    );
    lagging = 2;
    const run = await gate(
      [
        {
          name: 'zone-count',
          kind: 'parity',
          http: { urls: urls.map((u) => `${u}/stats`), path: '$.zones.count' },
        },
      ],
      ['--timeout', '20s'],
    );
    expect(run.exitCode).toBe(0);
    expect(run.check('zone-count')?.summary).toBe('all 3 agree: 3');
    expect(run.check('zone-count')?.attempts).toBeGreaterThan(1);

    const soa = await gate(
      [
        {
          name: 'soa',
          kind: 'parity',
          dns: { servers: [lab.dns.server, lab.dnsNext.server], query: 'spf.test', type: 'SOA' },
        },
      ],
      ['--timeout', '2s'],
    );
    expect(soa.exitCode).toBe(1);
    expect(soa.check('soa')?.summary).toMatch(
      /^not ready at the deadline: disagree: .*: 2026120101 \| .*: 2026120102$/,
    );
  });

  it('--skip needs a reason; with one it exits 0, warns loudly and reports readiness_gate_skipped 1', async () => {
    const checks = [{ name: 'closed-port', kind: 'tcp', host: '127.0.0.1', port: 1 }];
    const refused = await gate(checks, ['--skip']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.trim()).toBe('mailops: --skip: expected --reason "<why>" with it, got no reason');
    const skipped = await gate(checks, ['--skip', '--reason', 'DNS vendor outage, INC-4711']);
    expect(skipped.exitCode).toBe(0);
    expect(skipped.stderr).toContain('READINESS GATE SKIPPED: DNS vendor outage, INC-4711');
    expect(skipped.metric('readiness_gate_skipped')).toBe(1);
    expect(skipped.check('closed-port')?.attempts).toBe(1);
    const viaEnv = await gate(checks, [], { MAILOPS_SKIP: 'true', MAILOPS_REASON: 'from the pipeline' });
    expect(viaEnv.exitCode).toBe(0);
    expect(viaEnv.metric('readiness_gate_skipped')).toBe(1);
  });

  it('writes JUnit XML for CI', async () => {
    const run = await gate(
      [{ name: 'closed-port', kind: 'tcp', host: '127.0.0.1', port: 1 }],
      ['--timeout', '500ms'],
    );
    const file = join(run.dir, 'junit.xml');
    const again = await gate(
      [{ name: 'closed-port', kind: 'tcp', host: '127.0.0.1', port: 1 }],
      ['--timeout', '500ms', '--junit', file],
    );
    expect(again.exitCode).toBe(1);
    const xml = readFileSync(file, 'utf8');
    expect(xml).toContain('<testsuite name="readiness-gate" tests="1" failures="1" errors="0" skipped="0"');
    expect(xml).toMatch(
      /<testcase classname="readiness-gate.tcp" name="closed-port" time="[\d.]+">\n {6}<failure message="127\.0\.0\.1:1: [^"]*ECONNREFUSED/,
    );
  });

  it('rejects unknown keys, unknown kinds and duplicate names with one line each, exit 2', async () => {
    const bad = await gate([{ name: 'a', kind: 'tcp', host: '127.0.0.1', port: 1, retries: 3 }]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim()).toBe(
      `mailops: ${bad.file}: readiness-gate.checks[0].retries: expected no such key (unknown keys are rejected), got "retries"`,
    );
    const kind = await gate([{ name: 'a', kind: 'ftp' }]);
    expect(kind.stderr.trim()).toMatch(
      /readiness-gate\.checks\[0\]\.kind: expected one of .*"tcp".*, got "ftp"$/,
    );
    const parity = await gate([{ name: 'p', kind: 'parity' }]);
    expect(parity.stderr.trim()).toBe(
      `mailops: ${parity.file}: readiness-gate.checks[0]: expected exactly one of http or dns, got a mapping`,
    );
    const noCa = await gate([
      { name: 'smtp', kind: 'smtp', host: '127.0.0.1', port: 25, 'ca-file': '/nonexistent/ca.pem' },
    ]);
    expect(noCa.exitCode).toBe(2);
    expect(noCa.stderr.trim()).toBe(
      'mailops: checks.smtp.ca-file: expected a readable PEM file, got "/nonexistent/ca.pem" (ENOENT)',
    );
    const twice = await gate([
      { name: 'a', kind: 'tcp', host: '127.0.0.1', port: 1 },
      { name: 'a', kind: 'tcp', host: '127.0.0.1', port: 2 },
    ]);
    expect(twice.stderr.trim()).toBe(
      `mailops: ${twice.file}: readiness-gate.checks: expected check names that are unique, got a list`,
    );
  });
});
