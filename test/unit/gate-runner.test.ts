import { describe, expect, it } from 'vitest';
import type { Attempt } from '../../src/commands/readiness-gate/checks.js';
import { runChecks } from '../../src/commands/readiness-gate/runner.js';
import type { CheckSpec } from '../../src/commands/readiness-gate/schema.js';
import type { Outcome } from '../../src/checks/outcome.js';
import { gateReport } from '../../src/commands/readiness-gate/report.js';
import type { Progress } from '../../src/output/progress.js';

const quiet: Progress = { live: false, begin() {}, update() {}, end() {}, close: () => Promise.resolve() };
const spec = (name: string, attemptMs = 10_000, successes = 1) =>
  ({ name, kind: 'tcp', host: '127.0.0.1', port: 1, 'attempt-timeout': attemptMs, successes }) as CheckSpec;
/** Attempts that answer as scripted, the last answer over and over. */
const scripted = (...answers: Outcome[]): Attempt => {
  let calls = 0;
  return () => Promise.resolve(answers[Math.min(calls++, answers.length - 1)]!);
};
const pass: Outcome = { status: 'pass', summary: 'PONG' };
const down: Outcome = { status: 'fail', summary: 'HTTP 503' };
/** An attempt that hangs until its attempt is aborted, as a silent server does. */
const hangs: Attempt = ({ signal }) =>
  new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve({ status: 'error', summary: 'aborted' })),
  );

describe('the gate runner', () => {
  it('keeps the last real reason when the deadline cuts an attempt short', async () => {
    let calls = 0;
    const probe: Attempt = (ctx) =>
      ++calls === 1 ? Promise.resolve({ status: 'fail', summary: 'HTTP 503' }) : hangs(ctx);
    const [outcome] = await runChecks([{ spec: spec('api'), attempt: probe }], {
      intervalMs: 10,
      signal: AbortSignal.timeout(300),
      progress: quiet,
      once: false,
    });
    expect(outcome).toMatchObject({ ready: false, attempts: 2, detail: 'HTTP 503' });
  });

  it('names an attempt that used up its own budget, and retries', async () => {
    const [outcome] = await runChecks([{ spec: spec('slow', 50), attempt: hangs }], {
      intervalMs: 10,
      signal: AbortSignal.timeout(400),
      progress: quiet,
      once: false,
    });
    expect(outcome?.attempts).toBeGreaterThan(1);
    expect(outcome?.detail).toBe('no answer within 50ms');
  });

  it('moves on from a check that never heeds its abort, naming the budget it overran', async () => {
    const deaf: Attempt = () => new Promise(() => undefined);
    const [outcome] = await runChecks([{ spec: spec('deaf', 50), attempt: deaf }], {
      intervalMs: 10,
      signal: AbortSignal.timeout(2_000),
      progress: quiet,
      once: true,
    });
    expect(outcome).toMatchObject({
      ready: false,
      attempts: 1,
      status: 'error',
      detail: 'no answer within 50ms',
    });
  });

  it('stops at once on a terminal failure, and passes on the first ready attempt', async () => {
    const outcomes = await runChecks(
      [
        {
          spec: spec('stuck'),
          attempt: () =>
            Promise.resolve({ status: 'fail', summary: 'exceeded its progress deadline', terminal: true }),
        },
        { spec: spec('up'), attempt: () => Promise.resolve({ status: 'pass', summary: 'PONG' }) },
      ],
      { intervalMs: 10, signal: AbortSignal.timeout(5000), progress: quiet, once: false },
    );
    expect(outcomes.map((o) => [o.name, o.ready, o.attempts, o.terminal])).toEqual([
      ['stuck', false, 1, true],
      ['up', true, 1, false],
    ]);
  });

  it('is ready only after successes passes in a row; a failed attempt starts the count again', async () => {
    const [outcome] = await runChecks(
      [{ spec: spec('api', 10_000, 3), attempt: scripted(pass, down, pass) }],
      {
        intervalMs: 1,
        signal: AbortSignal.timeout(5000),
        progress: quiet,
        once: false,
      },
    );
    expect(outcome).toMatchObject({
      ready: true,
      attempts: 5,
      consecutive: { reached: 3, required: 3 },
      detail: 'PONG',
    });
  });

  it('not ready while it flaps: the last failure is the reason, even when a pass followed it', async () => {
    let calls = 0;
    const flapping: Attempt = () => Promise.resolve(calls++ % 2 ? down : pass);
    const [outcome] = await runChecks([{ spec: spec('api', 10_000, 2), attempt: flapping }], {
      intervalMs: 5,
      signal: AbortSignal.timeout(300),
      progress: quiet,
      once: false,
    });
    expect(outcome).toMatchObject({ ready: false, status: 'fail', detail: 'HTTP 503' });
    expect(outcome?.attempts).toBeGreaterThan(2);
    expect(outcome?.consecutive.reached).toBeLessThan(2);
  });

  it('a pass too few in a row is not ready, a wrong answer as yet, and the report says how many', async () => {
    const outcomes = await runChecks([{ spec: spec('api', 10_000, 5), attempt: scripted(pass) }], {
      intervalMs: 1,
      signal: AbortSignal.timeout(5000),
      progress: quiet,
      once: true,
    });
    expect(outcomes[0]).toMatchObject({
      ready: false,
      status: 'fail',
      detail: 'PONG',
      consecutive: { reached: 1, required: 5 },
    });
    const report = gateReport(outcomes, { startedAt: Date.now() });
    expect(report.checks[0]?.summary).toBe('not ready at the deadline, 1 of 5 passes in a row: PONG');
    expect(report.checks[0]?.details).toMatchObject({ consecutive: { reached: 1, required: 5 } });
  });
});
