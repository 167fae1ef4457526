import type { InferOutput } from 'valibot';
import type { checkSchema, reportSchema, statusSchema } from '../report/schema.js';

/** pass: evaluated and right; fail: evaluated and wrong; error: could not be evaluated; skipped: not run. */
export type Status = InferOutput<typeof statusSchema>;

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

/** A check's result: name, status, one line for people, timing, attempts, typed details. */
export type CheckResult = InferOutput<typeof checkSchema>;

/** The typed data of a check, by kind (src/report/schema.ts). */
export type Details = NonNullable<CheckResult['details']>;
export type DetailsOf<K extends Details['kind']> = Extract<Details, { kind: K }>;

/** What a protocol check found (src/checks/*): the details a gate check keeps of its last attempt. */
export type Evidence = NonNullable<DetailsOf<'gate-check'>['evidence']>;

/**
 * What a subcommand returns. The JSON document (ReportDocument) is this with the schema version
 * and the run-level metric families added by the output layer.
 */
export interface Report extends Omit<ReportDocument, 'schemaVersion' | 'metrics'> {
  metrics: MetricFamily[];
  /**
   * Pushed each as its own Pushgateway group instead of the whole report: the grouping key
   * gains the group's labels, and its run-level families follow the group's status. A run
   * over many domains pushes one group per domain, so no run overwrites another domain's.
   */
  pushGroups?: PushGroup[];
}

export interface PushGroup {
  labels: Labels;
  status: Status;
  metrics: MetricFamily[];
}

export type ReportDocument = InferOutput<typeof reportSchema>;
