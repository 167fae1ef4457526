import { ReportBuilder } from '../report/builder.js';
import type { CheckResult, Report } from '../checks/types.js';
import { formatDuration } from '../config/duration.js';
import type { Progress } from '../output/progress.js';

/**
 * What a run has done so far, as its progress events tell it: the steps that ended, and the
 * ones under way. If the run cannot give its own report (it did not stop in time, or threw),
 * the harness makes one from this, so the failure is still reported and pushed.
 */
export class RunTrace {
  readonly progress: Progress;
  private readonly ended: CheckResult[] = [];
  private readonly active = new Map<string, number>();

  constructor(inner: Progress) {
    this.progress = {
      live: inner.live,
      begin: (task, detail) => {
        if (!this.active.has(task)) this.active.set(task, Date.now());
        inner.begin(task, detail);
      },
      update: (task, detail) => inner.update(task, detail),
      end: (task, status, summary) => {
        const began = this.active.get(task) ?? Date.now();
        this.active.delete(task);
        this.ended.push({ name: task, status, summary, durationMs: Date.now() - began });
        inner.end(task, status, summary);
      },
      close: () => inner.close(),
    };
  }

  /** The steps under way, oldest first: where the run was. */
  phases(): string[] {
    return [...this.active.keys()];
  }

  /**
   * A failed report of what happened until now: the ended steps as they ended, the ones under
   * way as errors with `why`. `summary` says how the run ended.
   */
  report(
    command: { name: string; metricPrefix: string },
    startedAt: number,
    summary: string,
    why: string,
  ): Report {
    const report = new ReportBuilder({
      command: command.name,
      metricPrefix: command.metricPrefix,
      startedAt,
    });
    for (const ended of this.ended) report.check(ended);
    for (const [name, began] of this.active)
      report.check({ name, status: 'error', summary: why, since: began });
    return report.finish({ status: 'error', summary });
  }

  /** The summary of a run that did not return within `graceMs` of being stopped for `reason`. */
  abandoned(reason: string, graceMs: number): string {
    const where = this.phases();
    return `${reason}; ${where.length ? where.join(', ') : 'the run'} had not ended ${formatDuration(graceMs)} later, abandoned`;
  }

  /** The summary of a run that threw. */
  failed(why: string): string {
    const where = this.phases();
    return `could not complete${where.length ? ` ${where.join(', ')}` : ''}: ${why}`;
  }
}
