import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { until } from '../helpers/cli.js';
import { type FaultRow, recordFault, runTimed, type TimedRun } from '../helpers/faults.js';
import { emptyMailbox } from '../helpers/imap.js';
import { probeArgs, probeEnv } from '../helpers/probe.js';
import { ownJob, scrape } from '../helpers/pushgateway.js';
import { tempDir } from '../helpers/scratch.js';
import { type Running, silentDnsServer, silentServer, stallingProxy } from '../helpers/stand-ins.js';

const lab = inject('lab');
const gw = lab.pushgateway.url;
const running: Running[] = [];
const started = async (server: Promise<Running>) => {
  const one = await server;
  running.push(one);
  return one.port;
};
afterAll(async () => {
  await Promise.all(running.map((server) => server.close()));
  await emptyMailbox(lab, lab.users[3]);
});

/** Replaces a flag's value in an argument list. */
function withFlag(args: string[], flag: string, value: string): string[] {
  const at = args.indexOf(flag);
  return at < 0 ? [...args, flag, value] : args.map((arg, i) => (i === at + 1 ? value : arg));
}

/**
 * Runs mailops, sends SIGTERM half a second after stderr matches `phase` (the run is then in
 * it), and gives the seconds from the signal to the exit.
 */
async function terminated(args: string[], phase: RegExp, env: Record<string, string> = {}) {
  let pid = 0;
  let seenAt = 0;
  const pending = runTimed(args, {
    env,
    started: (p) => (pid = p),
    onStderr: (text) => {
      if (!seenAt && phase.test(text)) seenAt = Date.now();
    },
  });
  await until(`${phase}`, () => seenAt > 0 && Date.now() - seenAt > 500);
  const at = performance.now();
  process.kill(pid, 'SIGTERM');
  const run = await pending;
  return { run, seconds: (performance.now() - at) / 1000 };
}

/** The family's sample in the job's group; spf-check pushes each domain to a group of its own. */
const success = async (job: string, family: string, group = '{instance=""}') =>
  (await scrape(gw, job, family)).get(group);

function row(run: TimedRun, fields: Omit<FaultRow, 'seconds' | 'exitCode'>, seconds = run.seconds): void {
  recordFault({ ...fields, seconds, exitCode: run.exitCode });
}

describe('every subcommand ends within its deadline and pushes its failure', () => {
  it('probe-roundtrip: IMAP silent after SELECT in every window', async () => {
    const port = await started(
      stallingProxy({ host: '127.0.0.1', port: lab.imap.imapPort }, { side: 'client', match: /SELECT/i }),
    );
    const job = ownJob('probe-stall');
    // 5 s budgets: enough for the real submission and login on a loaded 2-core runner; the SELECT never answers.
    const windows = ['--connect-timeout', '5s', '--attempts', '2', '--interval', '1s'];
    let args = probeArgs(lab, ['--to', lab.users[3]!.address, ...windows]);
    args = withFlag(withFlag(args, '--imap-port', String(port)), '--imap-tls', 'none');
    const run = await runTimed(
      [...args, '--timeout', '30s', '--pushgateway', gw, '--job', job, '--label', 'instance='],
      {
        env: probeEnv(lab),
      },
    );
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(
      /Round-trip FAILED at connect: 127\.0\.0\.1:\d+: open INBOX: no answer within 5s$/m,
    );
    expect(await success(job, 'email_roundtrip_success')).toBe(0);
    row(run, {
      fault: 'IMAP silent after SELECT, in every window',
      command: 'probe-roundtrip --connect-timeout 5s --attempts 2 --interval 1s',
      pushed: '`email_roundtrip_success 0`, `failure_info{phase="connect"}`',
      left: 'the probe message in the mailbox, deleted as stale by a later run',
    });
  });

  it('probe-roundtrip: SMTP silent after EHLO', async () => {
    const port = await started(
      stallingProxy(
        { host: '127.0.0.1', port: lab.smtp.submissionPort },
        { side: 'client', match: /^EHLO/m },
      ),
    );
    const job = ownJob('probe-smtp-stall');
    const args = withFlag(probeArgs(lab, ['--connect-timeout', '1s']), '--smtp-port', String(port));
    const run = await runTimed([...args, '--timeout', '30s', '--pushgateway', gw, '--job', job], {
      env: probeEnv(lab),
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/Round-trip FAILED at send: /m);
    expect(await success(job, 'email_roundtrip_success')).toBe(0);
    row(run, {
      fault: 'SMTP submission silent after EHLO',
      command: 'probe-roundtrip --connect-timeout 1s',
      pushed: '`email_roundtrip_success 0`, `failure_info{phase="send"}`',
      left: 'nothing',
    });
  });

  it('readiness-gate: a command check that leaves a background process, and one that hangs', async () => {
    // A unique argument, to find any process left behind.
    const marker = `${3000 + Math.floor(Math.random() * 500)}.25`;
    const config = join(tempDir('gate'), 'gate.yaml');
    writeFileSync(
      config,
      stringify({
        'readiness-gate': {
          checks: [
            {
              name: 'background',
              kind: 'command',
              run: ['sh', '-c', `sleep ${marker} & echo 2026`],
              'output-matches': '^2026$',
            },
          ],
        },
      }),
    );
    const job = ownJob('gate-command');
    const quick = await runTimed([
      'readiness-gate',
      '--config',
      config,
      '--timeout',
      '5s',
      '--pushgateway',
      gw,
      '--job',
      job,
    ]);
    expect(quick.exitCode, quick.stdout).toBe(0);
    expect(quick.stdout).toMatch(/PASS +background +exit 0: 2026/);
    row(quick, {
      fault: 'a `command` check `sh -c "sleep 30 & echo 2026"` (a background process keeps the pipes open)',
      command: 'readiness-gate --timeout 5s',
      pushed: '`readiness_gate_success 1`',
      left: 'nothing: the background process is stopped with its group',
    });
    writeFileSync(
      config,
      stringify({
        'readiness-gate': {
          checks: [{ name: 'hang', kind: 'command', run: `sleep ${marker}`, 'attempt-timeout': '60s' }],
        },
      }),
    );
    const hung = await runTimed([
      'readiness-gate',
      '--config',
      config,
      '--timeout',
      '3s',
      '--pushgateway',
      gw,
      '--job',
      job,
    ]);
    expect(hung.exitCode).toBe(1);
    expect(hung.stdout).toMatch(/ERROR +hang +not ready at the deadline: /);
    expect(await success(job, 'readiness_gate_success')).toBe(0);
    const left = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(`sleep ${marker}`));
    expect(left, 'no child outlives the run').toEqual([]);
    row(hung, {
      fault: 'a `command` check that hangs',
      command: 'readiness-gate --timeout 3s',
      pushed: '`readiness_gate_success 0`',
      left: 'nothing: the command is stopped with its group',
    });
  });

  it('SIGTERM: every subcommand stops, reports, pushes and exits', async () => {
    const silent = await started(silentServer());
    const dns = await started(silentDnsServer());
    const gateFile = join(tempDir('gate'), 'gate.yaml');
    writeFileSync(
      gateFile,
      stringify({
        'readiness-gate': {
          checks: [
            {
              name: 'db',
              kind: 'postgres',
              host: '127.0.0.1',
              port: silent,
              user: 'x',
              'attempt-timeout': '60s',
            },
          ],
        },
      }),
    );
    const cfg = join(tempDir('haproxy'), 'haproxy.cfg');
    writeFileSync(cfg, readFileSync(join(import.meta.dirname, '../../fixtures/haproxy/base.cfg')));
    const cases: [string, string[], RegExp, string, Record<string, string>?][] = [
      [
        'probe-roundtrip, waiting for the probe',
        [...probeArgs(lab, ['--to', lab.users[3]!.address, '--interval', '30s'])],
        /imap\.wait: window 1/,
        'email_roundtrip_success',
        probeEnv(lab),
      ],
      [
        'readiness-gate, a PostgreSQL check waiting on a silent server',
        ['readiness-gate', '--config', gateFile],
        /db: postgres check/,
        'readiness_gate_success',
      ],
      [
        'spf-check, a resolver that never answers',
        ['spf-check', 'spf.test', '--resolver', `127.0.0.1:${dns}`, '--query-timeout', '60s'],
        /deadline/,
        'spf_check_success',
      ],
      [
        'haproxy-bootstrap, a validate command that hangs',
        [
          'haproxy-bootstrap',
          '--spec',
          join(import.meta.dirname, '../../fixtures/haproxy/spec.yaml'),
          '--file',
          cfg,
          '--validate-cmd',
          'sleep 3600',
        ],
        /deadline/,
        'haproxy_bootstrap_success',
      ],
    ];
    for (const [what, args, phase, family, env] of cases) {
      const job = ownJob('sigterm');
      const { run, seconds } = await terminated(
        [...args, '--timeout', '120s', '--pushgateway', gw, '--job', job, '--verbose'],
        phase,
        env,
      );
      expect(run.exitCode, `${what}: ${run.stdout}`).toBe(1);
      const group = family === 'spf_check_success' ? '{domain="spf.test",instance=""}' : undefined;
      expect(await success(job, family, group), what).toBe(0);
      recordFault({
        fault: `SIGTERM: ${what}`,
        command: `${args[0]} (seconds from SIGTERM)`,
        seconds,
        exitCode: run.exitCode,
        pushed: `\`${family} 0\``,
        left: 'nothing',
      });
    }
  });

  it('a Pushgateway that accepts the push and never answers costs the push timeout, then exit 4', async () => {
    const port = await started(silentServer());
    const config = join(tempDir('gate'), 'gate.yaml');
    writeFileSync(
      config,
      stringify({ 'readiness-gate': { checks: [{ name: 'ok', kind: 'command', run: 'true' }] } }),
    );
    const run = await runTimed([
      'readiness-gate',
      '--config',
      config,
      '--pushgateway',
      `http://127.0.0.1:${port}`,
    ]);
    expect(run.exitCode).toBe(4);
    expect(run.stderr).toMatch(/pushgateway .*: expected a reachable Pushgateway, got no answer within 10s/);
    row(run, {
      fault: 'a Pushgateway that accepts the push and never answers (a passing run)',
      command: 'readiness-gate',
      pushed: 'nothing (exit 4 says so)',
      left: 'nothing',
    });
  });
});
