/** pass: evaluated and right; fail: evaluated and wrong; error: could not evaluate; skip: not run. */
export type Status = 'pass' | 'fail' | 'error' | 'skip';

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  labels: Labels;
  value: number;
}

/**
 * How a family behaves in the Pushgateway group across runs.
 * every-run: pushed by each run, so it always shows the latest run.
 * on-success: pushed only by successful runs, so it outlives later failures
 * (a last-success timestamp must never be wiped by a failing run).
 */
export type PushPolicy = 'every-run' | 'on-success';

export interface MetricFamily {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  policy: PushPolicy;
  samples: Sample[];
}

export interface CheckResult {
  name: string;
  status: Status;
  summary: string;
  durationMs: number;
  attempts?: number;
  details?: Record<string, unknown>;
  error?: { code: string; message: string };
}

export interface Report {
  command: string;
  /** Prefix of the run-level families, e.g. email_roundtrip -> email_roundtrip_success. */
  metricPrefix: string;
  status: Status;
  summary: string;
  startedAt: string;
  durationMs: number;
  checks: CheckResult[];
  metrics: MetricFamily[];
  warnings: string[];
  /** Lines the text format prints after the verdict (an IO stats block). */
  footer?: string[];
  /** A document the run produces (a generated script): the text format prints only it, for redirecting to a file. */
  artifact?: string;
  /** False for runs that check one side only (dry runs): shown, never pushed. */
  pushable?: boolean;
}
