import { describe, expect, it } from 'vitest';
import { ReportBuilder } from '../../src/report/builder.js';
import type { Report } from '../../src/checks/types.js';
import { STOP_GRACE_MS, StopClock } from '../../src/cli/stop-clock.js';

const report = (summary: string): Report =>
  new ReportBuilder({ command: 'test', metricPrefix: 'test' }).finish({ summary });

describe('StopClock: a run always ends near its deadline', () => {
  it('gives the run report when the run returns', async () => {
    const clock = new StopClock(new AbortController().signal);
    const got = await clock.finishBy(Promise.resolve(report('ran')), () => report('abandoned'));
    expect(got.summary).toBe('ran');
    expect(clock.pushBudget()).toBe(10_000);
  });

  it('abandons a run that ignores its stop, with the report made for it', async () => {
    const stop = new AbortController();
    const clock = new StopClock(stop.signal);
    // A call that never settles, whatever its signal says.
    const stuck = new Promise<Report>(() => undefined);
    const pending = clock.finishBy(stuck, () => report('abandoned'));
    stop.abort();
    expect((await pending).summary).toBe('abandoned');
    // The grace used 2 of the 3 s after the stop: the push gets its minimum, 1 s.
    expect(clock.pushBudget()).toBe(3000 - STOP_GRACE_MS);
  });

  it('waits out the grace for a run that does stop, and takes its own report', async () => {
    const stop = new AbortController();
    stop.abort();
    const clock = new StopClock(stop.signal);
    const late = new Promise<Report>((resolve) => setTimeout(() => resolve(report('stopped itself')), 100));
    expect((await clock.finishBy(late, () => report('abandoned'))).summary).toBe('stopped itself');
  });
});
