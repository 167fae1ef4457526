import type { Report } from '../checks/types.js';
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
  text: (report, ctx) => report.artifact ?? renderText(report, ctx.color),
  json: (report, ctx) =>
    `${JSON.stringify({ ...report, metrics: reportFamilies(report, ctx.nowMs) }, null, 2)}\n`,
  prom: (report, ctx) => exposition(reportFamilies(report, ctx.nowMs)),
};

/**
 * The one place a Report becomes stdout text; pure, exhaustive over the formats. Secrets are
 * redacted in the data, before any format escapes it, and once more in the text.
 */
export function render(report: Report, format: Format, ctx: RenderContext): string {
  return redact(renderers[format](redactDeep(report), ctx));
}
