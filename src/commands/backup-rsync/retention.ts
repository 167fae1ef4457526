import { isoWeek } from '../../checks/period.js';

/**
 * Which complete snapshots survive: restic's `forget` policy (0.17 and later) over snapshot
 * dates. `last` is --keep; the calendar rules are --keep-daily ... --keep-yearly. A rule that is
 * absent does not apply.
 */
export interface RetentionRules {
  last?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
  yearly?: number;
}

export const RULES = ['last', 'daily', 'weekly', 'monthly', 'yearly'] as const;
export type Rule = (typeof RULES)[number];

/**
 * Why a snapshot is kept. `n` of `of`: the rule's n-th slot, newest first (weekly 3/4).
 * `oldest`: a rule that had slots left when it reached the oldest snapshot keeps that one too,
 * so a history shorter than the rule is not cut at its start (restic 0.17: "oldest weekly").
 * `written`: the snapshot this run wrote, which a dated snapshot in the future would otherwise
 * push out.
 */
export type KeepReason =
  { rule: 'newest' | 'written' } | { rule: Rule; n: number; of: number; oldest?: true };

export interface Retention {
  /** Kept snapshots, oldest first, each with every rule that keeps it. */
  keep: Map<string, KeepReason[]>;
  /** Expired snapshots, oldest first. */
  remove: string[];
}

const DAY_MS = 86_400_000;

/** The period of a rule a date falls in; `index` makes every snapshot its own period for `last`. */
function periodKey(rule: Rule, start: number, index: number): string {
  const date = new Date(start);
  const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()];
  switch (rule) {
    case 'last':
      return String(index);
    case 'daily':
      return `${year}-${month}-${day}`;
    case 'weekly': {
      // isoWeek reads the local calendar: the UTC day is rebuilt as a local one.
      const week = isoWeek(new Date(year, month, day));
      return `${week.year}-W${week.week}`;
    }
    case 'monthly':
      return `${year}-${month}`;
    case 'yearly':
      return String(year);
  }
}

/**
 * Applies the rules to complete snapshots (`start`: the UTC date they are counted on). Each
 * rule walks them newest first and keeps the newest of each of its last N periods that hold a
 * snapshot; the results are ORed. The newest snapshot is always kept, and so is `written`.
 */
export function retain(
  snapshots: readonly { id: string; start: number }[],
  rules: RetentionRules,
  written?: string,
): Retention {
  const newestFirst = [...snapshots].sort((a, b) => b.start - a.start || (a.id < b.id ? 1 : -1));
  const taken = { last: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 };
  const lastPeriod: Partial<Record<Rule, string>> = {};
  const kept: [string, KeepReason[]][] = [];
  const remove: string[] = [];
  newestFirst.forEach((snapshot, index) => {
    const reasons: KeepReason[] = index === 0 ? [{ rule: 'newest' }] : [];
    const oldest = index === newestFirst.length - 1;
    for (const rule of RULES) {
      const of = rules[rule];
      if (!of || taken[rule] >= of) continue;
      const period = periodKey(rule, snapshot.start, index);
      const fresh = period !== lastPeriod[rule];
      if (!fresh && !oldest) continue;
      lastPeriod[rule] = period;
      reasons.push({ rule, n: ++taken[rule], of, ...(fresh ? {} : { oldest: true as const }) });
    }
    if (reasons.length === 0 && snapshot.id === written) reasons.push({ rule: 'written' });
    if (reasons.length) kept.push([snapshot.id, reasons]);
    else remove.push(snapshot.id);
  });
  return { keep: new Map(kept.reverse()), remove: remove.reverse() };
}

/**
 * The date a snapshot counts on: a day snapshot's day; a week snapshot's Thursday, which
 * decides its ISO week-year, so 2025-01 (from Monday 2024-12-30) counts for January 2025.
 */
export function retentionDate(snapshot: { id: string; start: number }): { id: string; start: number } {
  const week = /^\d{4}-\d{2}$/.test(snapshot.id);
  return { id: snapshot.id, start: week ? snapshot.start + 3 * DAY_MS : snapshot.start };
}

/** A reason as the text report shows it: newest, daily 3/7, yearly 4/5 (oldest). */
export function reasonText(reason: KeepReason): string {
  if (!('n' in reason)) return reason.rule === 'newest' ? 'newest' : 'written by this run';
  return `${reason.rule} ${reason.n}/${reason.of}${reason.oldest ? ' (oldest)' : ''}`;
}

/** The rules as flags: --keep 8, --keep-daily 7 ... */
export function rulesText(rules: RetentionRules): string {
  return RULES.flatMap((rule) =>
    rules[rule] ? [`--${rule === 'last' ? 'keep' : `keep-${rule}`} ${rules[rule]}`] : [],
  ).join(' ');
}
