import type { Period } from '../../checks/period.js';
import type { OptionValuesOf } from '../../cli/option-defs.js';
import { UsageError } from '../../errors.js';
import type { RetentionRules } from './retention.js';
import type { retentionOptions } from './spec.js';

/** What a destination keeps when no retention flag is given. */
export const DEFAULT_KEEP = 8;

/**
 * The rules the flags give. --keep's default applies only when no rule at all is given: with
 * --keep-daily 7 alone, seven daily snapshots are the whole policy, not seven on top of the
 * newest eight; --keep given too (flag, env or file) adds its newest N, as restic's keep-last.
 * `period`: a backup's --period; a weekly snapshot a day makes --keep-daily count weeks.
 */
export function retentionRules(
  values: OptionValuesOf<typeof retentionOptions>,
  period?: Period,
): RetentionRules {
  if (period === 'week' && values['keep-daily'] !== undefined)
    throw new UsageError(
      '--keep-daily: expected --period day (a weekly snapshot is one a week: --keep-weekly counts those), got --period week',
    );
  const calendar: RetentionRules = {
    ...(values['keep-daily'] ? { daily: values['keep-daily'] } : {}),
    ...(values['keep-weekly'] ? { weekly: values['keep-weekly'] } : {}),
    ...(values['keep-monthly'] ? { monthly: values['keep-monthly'] } : {}),
    ...(values['keep-yearly'] ? { yearly: values['keep-yearly'] } : {}),
  };
  const last = values.keep ?? (Object.keys(calendar).length ? undefined : DEFAULT_KEEP);
  return { ...(last ? { last } : {}), ...calendar };
}

/**
 * list and prune read any destination: a daily rule over weekly snapshots keeps N weeks, more
 * than meant but nothing lost, so it is said rather than refused (a destination that switched to
 * --period day holds both).
 */
export function dailyOverWeeks(complete: readonly { id: string }[], rules: RetentionRules): string[] {
  const weeks = complete.filter((s) => /^\d{4}-\d{2}$/.test(s.id)).map((s) => s.id);
  if (!rules.daily || weeks.length === 0) return [];
  const some = weeks.slice(0, 5).join(', ') + (weeks.length > 5 ? ` (+${weeks.length - 5})` : '');
  return [`--keep-daily counts each weekly snapshot as one day: ${some}`];
}
