import type { Report } from './types.js';

type ReportFields = Omit<Report, 'startedAt' | 'durationMs' | 'metrics' | 'warnings'> &
  Partial<Pick<Report, 'metrics' | 'warnings'>> & { startedAt: number };

/** A report stamped with its start (ISO) and its duration until now; no metrics or warnings unless given. */
export function finishReport({ startedAt, ...fields }: ReportFields): Report {
  return {
    metrics: [],
    warnings: [],
    ...fields,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: Date.now() - startedAt,
  };
}
