import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { periodId, periodStart } from '../../src/checks/period.js';

/** Noon local time, so no time zone moves the calendar day. */
const day = (y: number, m: number, d: number) => new Date(y, m - 1, d, 12);

describe('ISO week-year periods', () => {
  it.each([
    [day(2024, 12, 30), '2025-01'],
    [day(2024, 12, 29), '2024-52'],
    [day(2027, 1, 1), '2026-53'],
    [day(2027, 1, 4), '2027-01'],
    [day(2026, 11, 22), '2026-47'],
    [day(2021, 1, 3), '2020-53'],
    [day(2026, 1, 1), '2026-01'],
  ])('%s is week %s', (date, id) => {
    expect(periodId(date, 'week')).toBe(id);
  });

  it('names days as YYYY-MM-DD', () => {
    expect(periodId(day(2026, 3, 7), 'day')).toBe('2026-03-07');
  });

  it('orders ids by the date they start, across a year boundary', () => {
    const ids = ['2025-01', '2024-52', '2026-53', '2027-01', '2026-47'];
    const sorted = [...ids].sort((a, b) => (periodStart(a) ?? 0) - (periodStart(b) ?? 0));
    expect(sorted).toEqual(['2024-52', '2025-01', '2026-47', '2026-53', '2027-01']);
  });

  it('starts week 2025-01 on Monday 2024-12-30', () => {
    expect(new Date(periodStart('2025-01') ?? 0).toISOString().slice(0, 10)).toBe('2024-12-30');
  });

  it.each(['2025-53', '2026-00', '2026-54', '2026-02-30', 'latest', '2026-1'])('rejects %j', (id) => {
    expect(periodStart(id)).toBeUndefined();
  });

  it('agrees with GNU date +%G-%V on every day of 2020-2030, and each day lies in its week', () => {
    const days: string[] = [];
    for (let t = Date.UTC(2020, 0, 1); t < Date.UTC(2031, 0, 1); t += 86_400_000)
      days.push(new Date(t).toISOString().slice(0, 10));
    const gnu = execFileSync('date', ['-f', '-', '+%G-%V'], {
      input: `${days.join('\n')}\n`,
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    const ours = days.map((iso) => {
      const [y, m, d] = iso.split('-').map(Number);
      return periodId(day(y!, m!, d!), 'week');
    });
    expect(ours).toEqual(gnu);
    for (const [i, id] of ours.entries()) {
      const offset = Date.parse(days[i]!) - (periodStart(id) ?? NaN);
      expect(offset >= 0 && offset < 7 * 86_400_000).toBe(true);
    }
  });
});
