import type { CheckResult, MetricFamily, Report, Status } from '../checks/types.js';
import type { Progress } from '../output/progress.js';

/** A check as recorded: its duration from `since` (now when absent) unless given. */
export type CheckInput = Omit<CheckResult, 'durationMs'> & { since?: number; durationMs?: number };

/**
 * The one way a subcommand makes its report: checks recorded as they end (and shown on the
 * progress view), warnings, then finish() with the verdict. The status, unless given, follows
 * the checks: fail when one failed, else error when one could not be evaluated, else pass.
 */
export class ReportBuilder {
  private readonly places: (CheckResult | undefined)[] = [];
  readonly warnings: string[] = [];
  private readonly startedAt: number;
  private readonly command: string;
  private readonly metricPrefix: string;
  private readonly progress: Progress | undefined;

  constructor(head: { command: string; metricPrefix: string; startedAt?: number; progress?: Progress }) {
    this.command = head.command;
    this.metricPrefix = head.metricPrefix;
    this.startedAt = head.startedAt ?? Date.now();
    this.progress = head.progress;
  }

  check(input: CheckInput): CheckResult {
    return this.reserve()(input);
  }

  /**
   * A place for a check that ends later: checks that run side by side keep the order they were
   * declared in, whichever ends first.
   */
  reserve(): (input: CheckInput) => CheckResult {
    const at = this.places.push(undefined) - 1;
    return ({ since, durationMs, ...fields }) => {
      const result: CheckResult = { ...fields, durationMs: durationMs ?? Date.now() - (since ?? Date.now()) };
      this.places[at] = result;
      this.progress?.end(result.name, result.status, result.summary);
      return result;
    };
  }

  /** The checks recorded so far, in declared order. */
  get checks(): CheckResult[] {
    return this.places.filter((c) => c !== undefined);
  }

  warn(...warnings: string[]): void {
    this.warnings.push(...warnings);
  }

  /** The first check that failed or could not be evaluated. */
  get failed(): CheckResult | undefined {
    return this.checks.find((c) => c.status === 'fail' || c.status === 'error');
  }

  /** The status the checks give. */
  get status(): Status {
    if (this.checks.some((c) => c.status === 'fail')) return 'fail';
    return this.checks.some((c) => c.status === 'error') ? 'error' : 'pass';
  }

  finish(fields: {
    summary: string;
    status?: Status;
    metrics?: MetricFamily[];
    pushable?: boolean;
    document?: Report['document'];
  }): Report {
    const { summary, status, metrics, pushable, document } = fields;
    return {
      command: this.command,
      metricPrefix: this.metricPrefix,
      status: status ?? this.status,
      summary,
      startedAt: new Date(this.startedAt).toISOString(),
      durationMs: Date.now() - this.startedAt,
      checks: this.checks,
      metrics: metrics ?? [],
      warnings: this.warnings,
      ...(pushable === undefined ? {} : { pushable }),
      ...(document ? { document } : {}),
    };
  }
}
