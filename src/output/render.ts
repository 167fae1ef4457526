import type { Report, ReportDocument } from '../checks/types.js';
import { SCHEMA_VERSION } from '../report/version.js';
import type { Format } from '../config/globals.js';
import { reportFamilies } from './metrics.js';
import { exposition } from './prometheus.js';
import { redact, redactDeep } from './redact.js';
import { renderText } from './text.js';

export interface RenderContext {
  color: boolean;
  nowMs: number;
}

const renderers: Record<Format, (report: Report, ctx: RenderContext) => string> = {
  text: (report, ctx) => report.document?.text ?? renderText(report, ctx.color),
  json: (report, ctx) => `${JSON.stringify(jsonDocument(report, ctx.nowMs), null, 2)}\n`,
  prom: (report, ctx) => exposition(reportFamilies(report, ctx.nowMs)),
};

/** The JSON contract (schema/report.schema.json): the report with its version and every metric family. */
export function jsonDocument(report: Report, nowMs: number): ReportDocument {
  const { command, metricPrefix, status, summary, startedAt, durationMs, checks, warnings } = report;
  return {
    schemaVersion: SCHEMA_VERSION,
    command,
    metricPrefix,
    status,
    summary,
    startedAt,
    durationMs,
    checks,
    // NaN (no figure) is JSON's null.
    metrics: reportFamilies(report, nowMs),
    warnings,
    ...(report.pushable === undefined ? {} : { pushable: report.pushable }),
    ...(report.document ? { document: report.document } : {}),
  };
}

/**
 * The one place a Report becomes stdout text; pure, exhaustive over the formats. Secrets are
 * redacted in the data, before any format escapes it, and once more in the text.
 */
export function render(report: Report, format: Format, ctx: RenderContext): string {
  return redact(renderers[format](redactDeep(report), ctx));
}
