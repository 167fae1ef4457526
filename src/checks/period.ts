export type Period = 'week' | 'day';

const DAY_MS = 86_400_000;

/** The calendar day of `date` in the process's time zone (TZ), as a UTC midnight timestamp. */
function calendarDay(date: Date): number {
  return Date.UTC(date.getFullYear(), date.getMonth(), date.getDate());
}

/**
 * ISO 8601 week-year and week: the week belongs to the year of its Thursday,
 * so 2024-12-30 is 2025-01 and 2027-01-01 is 2026-53 (strftime %G-%V, not %Y-%V).
 */
export function isoWeek(date: Date): { year: number; week: number } {
  const day = calendarDay(date);
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0 .. Sunday 6
  const thursday = new Date(day + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const ordinal = (thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS;
  return { year, week: Math.floor(ordinal / 7) + 1 };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The snapshot id of the period that `date` falls in: YYYY-WW (ISO) or YYYY-MM-DD. */
export function periodId(date: Date, period: Period): string {
  if (period === 'day') return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const { year, week } = isoWeek(date);
  return `${pad(year, 4)}-${pad(week)}`;
}

/**
 * The start of the period an id names (UTC midnight of its Monday or day), for
 * ordering snapshots by date rather than by string; undefined for other names.
 */
export function periodStart(id: string): number | undefined {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(id);
  if (day) {
    const t = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
    return new Date(t).getUTCDate() === Number(day[3]) ? t : undefined;
  }
  const week = /^(\d{4})-(\d{2})$/.exec(id);
  if (!week) return undefined;
  const year = Number(week[1]);
  const n = Number(week[2]);
  // Week 1 is the week holding January 4th.
  const jan4 = Date.UTC(year, 0, 4);
  const monday1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
  // December 28th always falls in the last ISO week of its year.
  const weeks = isoWeek(new Date(year, 11, 28)).week;
  return n >= 1 && n <= weeks ? monday1 + (n - 1) * 7 * DAY_MS : undefined;
}
