import { describe, expect, it } from 'vitest';
import { periodStart } from '../../src/checks/period.js';
import {
  reasonText,
  retain,
  retentionDate,
  type RetentionRules,
} from '../../src/commands/backup-rsync/retention.js';
import {
  dailyOverWeeks,
  DEFAULT_KEEP,
  retentionRules,
} from '../../src/commands/backup-rsync/retention-options.js';
import { UsageError } from '../../src/errors.js';

interface Snap {
  id: string;
  start: number;
}

const DAY = 86_400_000;
const day = (t: number) => new Date(t).toISOString().slice(0, 10);
const at = (id: string): Snap => ({ id, start: Date.parse(`${id}T00:00:00Z`) });

/** A daily run on every day from `from` to `to`, but those `missed` says. */
function runs(from: string, to: string, missed: (id: string, index: number) => boolean): Snap[] {
  const out: Snap[] = [];
  for (let t = at(from).start, i = 0; t <= at(to).start; t += DAY, i++)
    if (!missed(day(t), i)) out.push({ id: day(t), start: t });
  return out;
}

/** ISO week, worked out apart from the code under test: weeks counted from the Monday of the week of January 4th. */
function isoWeekOf(t: number): string {
  const week1 = (year: number) => {
    const jan4 = Date.UTC(year, 0, 4);
    return jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY;
  };
  let year = new Date(t).getUTCFullYear();
  if (t >= week1(year + 1)) year += 1;
  else if (t < week1(year)) year -= 1;
  return `${year}-W${String(Math.floor((t - week1(year)) / (7 * DAY)) + 1).padStart(2, '0')}`;
}

const PERIOD = {
  daily: (s: Snap) => s.id,
  weekly: (s: Snap) => isoWeekOf(s.start),
  monthly: (s: Snap) => s.id.slice(0, 7),
  yearly: (s: Snap) => s.id.slice(0, 4),
};

/**
 * restic's forget, stated as its documentation does rather than as a walk: per rule, the newest
 * snapshot of each of the N newest periods holding one; while a rule has fewer periods than N,
 * the oldest snapshot too ("oldest"); --keep: the N newest; the newest always.
 */
function reference(snapshots: readonly Snap[], rules: RetentionRules): Map<string, string[]> {
  const newestFirst = [...snapshots].sort((a, b) => b.start - a.start);
  const kept = new Map<string, string[]>();
  const add = (s: Snap, why: string) => kept.set(s.id, [...(kept.get(s.id) ?? []), why]);
  if (newestFirst[0]) add(newestFirst[0], 'newest');
  if (rules.last) newestFirst.slice(0, rules.last).forEach((s, i) => add(s, `last ${i + 1}/${rules.last}`));
  for (const rule of ['daily', 'weekly', 'monthly', 'yearly'] as const) {
    const n = rules[rule];
    if (!n) continue;
    const newestOf = new Map<string, Snap>();
    for (const s of newestFirst) if (!newestOf.has(PERIOD[rule](s))) newestOf.set(PERIOD[rule](s), s);
    const chosen = [...newestOf.values()].slice(0, n);
    chosen.forEach((s, i) => add(s, `${rule} ${i + 1}/${n}`));
    const oldest = newestFirst.at(-1)!;
    if (newestOf.size < n && !chosen.includes(oldest))
      add(oldest, `${rule} ${newestOf.size + 1}/${n} (oldest)`);
  }
  return kept;
}

/** What the module keeps, as the text report words it, by id in date order. */
function kept(snapshots: readonly Snap[], rules: RetentionRules, written?: string) {
  const { keep, remove } = retain(snapshots, rules, written);
  // Kept and removed together are every snapshot, once.
  expect([...keep.keys(), ...remove].sort()).toEqual(snapshots.map((s) => s.id).sort());
  return Object.fromEntries([...keep].map(([id, reasons]) => [id, reasons.map(reasonText)]));
}

const sorted = (m: Map<string, string[]>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));

/**
 * Three years and ten days of nightly runs, with nights missed: about one in seventeen until
 * 2025, a fortnight's holiday, and some month and year ends.
 */
const MISSED = new Set([
  '2026-01-06',
  '2025-12-31',
  '2025-11-30',
  '2025-06-30',
  '2024-12-31',
  '2024-12-30',
  ...runs('2024-07-20', '2024-08-02', () => false).map((s) => s.id),
]);
const NIGHTS = runs('2023-01-01', '2026-01-10', (id, i) => MISSED.has(id) || (id < '2025' && i % 17 === 5));

const COMBINATIONS: [string, RetentionRules][] = [
  ['daily 7, weekly 4, monthly 12, yearly 3', { daily: 7, weekly: 4, monthly: 12, yearly: 3 }],
  ['--keep 3 with daily 14', { last: 3, daily: 14 }],
  ['weekly 10', { weekly: 10 }],
  ['monthly 6, yearly 10 (more years than there are)', { monthly: 6, yearly: 10 }],
  ['--keep 8 (the default)', { last: DEFAULT_KEEP }],
  ['every rule beyond the history', { last: 5000, daily: 5000, weekly: 500, monthly: 100, yearly: 10 }],
];

describe('retention rules over three years of nightly runs', () => {
  it('has the run dates it is meant to have', () => {
    expect(NIGHTS).toHaveLength(1106 - 14 - 6 - 42);
    expect(NIGHTS.at(-1)?.id).toBe('2026-01-10');
    expect(isoWeekOf(at('2024-12-30').start)).toBe('2025-W01');
    expect(isoWeekOf(at('2021-01-03').start)).toBe('2020-W53');
    expect(isoWeekOf(at('2026-12-31').start)).toBe('2026-W53');
  });

  it('keeps 7 days, 4 weeks, 12 months and 3 years: the snapshots and every rule keeping each', () => {
    expect(kept(NIGHTS, { daily: 7, weekly: 4, monthly: 12, yearly: 3 })).toEqual({
      '2024-12-29': ['yearly 3/3'],
      '2025-02-28': ['monthly 12/12'],
      '2025-03-31': ['monthly 11/12'],
      '2025-04-30': ['monthly 10/12'],
      '2025-05-31': ['monthly 9/12'],
      '2025-06-29': ['monthly 8/12'],
      '2025-07-31': ['monthly 7/12'],
      '2025-08-31': ['monthly 6/12'],
      '2025-09-30': ['monthly 5/12'],
      '2025-10-31': ['monthly 4/12'],
      '2025-11-29': ['monthly 3/12'],
      '2025-12-21': ['weekly 4/4'],
      '2025-12-28': ['weekly 3/4'],
      '2025-12-30': ['monthly 2/12', 'yearly 2/3'],
      '2026-01-03': ['daily 7/7'],
      '2026-01-04': ['daily 6/7', 'weekly 2/4'],
      '2026-01-05': ['daily 5/7'],
      '2026-01-07': ['daily 4/7'],
      '2026-01-08': ['daily 3/7'],
      '2026-01-09': ['daily 2/7'],
      '2026-01-10': ['newest', 'daily 1/7', 'weekly 1/4', 'monthly 1/12', 'yearly 1/3'],
    });
  });

  it.each(COMBINATIONS)('%s: keeps what the reference keeps, for the same reasons', (_, rules) => {
    expect(kept(NIGHTS, rules)).toEqual(sorted(reference(NIGHTS, rules)));
  });

  it('keeps the oldest snapshot while a rule has more slots than periods, as restic 0.17 does', () => {
    const result = kept(NIGHTS, { monthly: 6, yearly: 10 });
    expect(result['2023-01-01']).toEqual(['yearly 5/10 (oldest)']);
    expect(Object.keys(result)).toEqual([
      '2023-01-01',
      '2023-12-31',
      '2024-12-29',
      '2025-08-31',
      '2025-09-30',
      '2025-10-31',
      '2025-11-29',
      '2025-12-30',
      '2026-01-10',
    ]);
  });

  it.each(COMBINATIONS)(
    '%s: rotating after every night leaves what the rules give over the whole history',
    (_, rules) => {
      let survivors: Snap[] = [];
      for (const [i, night] of NIGHTS.entries()) {
        survivors.push(night);
        const { remove } = retain(survivors, rules, night.id);
        survivors = survivors.filter((s) => !remove.includes(s.id));
        if (i % 7 === 0 || i === NIGHTS.length - 1)
          expect(kept(survivors, rules), night.id).toEqual(sorted(reference(NIGHTS.slice(0, i + 1), rules)));
      }
    },
  );
});

describe("restic's documented examples", () => {
  it('--keep-daily 4 over twelve Sundays keeps the last four', () => {
    const sundays = runs('2019-09-01', '2019-11-17', (_, i) => i % 7 !== 0);
    expect(sundays).toHaveLength(12);
    const { keep, remove } = retain(sundays, { daily: 4 });
    expect([...keep.keys()]).toEqual(['2019-10-27', '2019-11-03', '2019-11-10', '2019-11-17']);
    expect(remove).toEqual(sundays.slice(0, 8).map((s) => s.id));
  });

  it('a hundred years of daily snapshots with --keep-daily 7 --keep-weekly 5 --keep-monthly 12 --keep-yearly 75', () => {
    // Ends on a Sunday, as the documentation's count (4 weekly besides the dailies) assumes.
    const days = runs('1925-09-01', '2025-08-31', () => false);
    const { keep } = retain(days, { daily: 7, weekly: 5, monthly: 12, yearly: 75 });
    const by = (rule: string) =>
      [...keep].filter(([, reasons]) => reasons.some((r) => r.rule === rule)).map(([id]) => id);
    const lastDay = (year: number, month: number) => day(Date.UTC(year, month + 1, 0));
    expect(by('daily')).toEqual(runs('2025-08-25', '2025-08-31', () => false).map((s) => s.id));
    expect(by('weekly')).toEqual(['2025-08-03', '2025-08-10', '2025-08-17', '2025-08-24', '2025-08-31']);
    expect(by('monthly')).toEqual(Array.from({ length: 12 }, (_, i) => lastDay(2024, 8 + i)));
    expect(by('yearly')).toEqual([
      ...Array.from({ length: 74 }, (_, i) => lastDay(1951 + i, 11)),
      '2025-08-31',
    ]);
    // "The most recent 7 daily snapshots and 4 last-day-of-the-week ones", 11 more month ends
    // (the newest is one) and 73 more year ends (the newest, and December 2024 kept as a month).
    expect(keep.size).toBe(7 + 4 + 11 + 73);
  });
});

describe('retain', () => {
  it('always keeps the newest, and the snapshot just written even when one is dated after it', () => {
    const snaps = [at('2026-03-01'), at('2026-03-02'), at('2030-01-01')];
    expect(kept(snaps, { last: 1 }, '2026-03-02')).toEqual({
      '2026-03-02': ['written by this run'],
      '2030-01-01': ['newest', 'last 1/1'],
    });
  });

  it('counts a week snapshot on its Thursday: 2025-01, from Monday 2024-12-30, belongs to 2025', () => {
    const weeks = ['2024-51', '2024-52', '2025-01', '2025-02'].map((id) =>
      retentionDate({ id, start: periodStart(id)! }),
    );
    expect(Object.keys(kept(weeks, { yearly: 2 }))).toEqual(['2024-52', '2025-02']);
    expect(Object.keys(kept(weeks, { monthly: 2 }))).toEqual(['2024-52', '2025-02']);
    // A day snapshot is counted on its own day.
    expect(retentionDate(at('2025-01-01'))).toEqual(at('2025-01-01'));
  });

  it('gives the same answer in any time zone the process runs in', () => {
    const rules = { daily: 7, weekly: 4, monthly: 12, yearly: 3 };
    const expected = kept(NIGHTS, rules);
    const tz = process.env.TZ;
    try {
      for (const zone of ['America/Los_Angeles', 'Pacific/Kiritimati']) {
        process.env.TZ = zone;
        expect(kept(NIGHTS, rules), zone).toEqual(expected);
      }
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('keeps nothing of nothing', () => {
    expect(retain([], { last: 3 })).toEqual({ keep: new Map(), remove: [] });
  });
});

describe('retention flags', () => {
  const none = {
    keep: undefined,
    'keep-daily': undefined,
    'keep-weekly': undefined,
    'keep-monthly': undefined,
    'keep-yearly': undefined,
  };

  it('keeps the newest 8 without any flag, and only the given rules with a --keep-<period>', () => {
    expect(retentionRules(none)).toEqual({ last: 8 });
    expect(retentionRules({ ...none, 'keep-daily': 7, 'keep-monthly': 6 })).toEqual({ daily: 7, monthly: 6 });
    expect(retentionRules({ ...none, keep: 2, 'keep-weekly': 4 })).toEqual({ last: 2, weekly: 4 });
    expect(retentionRules({ ...none, keep: 3 }, 'week')).toEqual({ last: 3 });
  });

  it('refuses --keep-daily with weekly snapshots, naming the flag', () => {
    expect(() => retentionRules({ ...none, 'keep-daily': 7 }, 'week')).toThrow(
      new UsageError(
        '--keep-daily: expected --period day (a weekly snapshot is one a week: --keep-weekly counts those), got --period week',
      ),
    );
    expect(retentionRules({ ...none, 'keep-daily': 7 }, 'day')).toEqual({ daily: 7 });
  });

  it('says when a daily rule meets weekly snapshots on a destination it reads (list, prune)', () => {
    const mixed = [{ id: '2025-51' }, { id: '2025-52' }, { id: '2026-01-02' }];
    expect(dailyOverWeeks(mixed, { daily: 7 })).toEqual([
      '--keep-daily counts each weekly snapshot as one day: 2025-51, 2025-52',
    ]);
    expect(dailyOverWeeks(mixed, { weekly: 7 })).toEqual([]);
    expect(dailyOverWeeks([{ id: '2026-01-02' }], { daily: 7 })).toEqual([]);
  });
});
