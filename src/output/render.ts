import type { Report } from '../checks/types.js';
import type { Format } from '../config/globals.js';
import { reportFamilies } from './metrics.js';
import { exposition } from './prometheus.js';
import { redact } from './redact.js';
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

/** The one place a Report becomes stdout text; pure, exhaustive over the formats, secrets redacted. */
export function render(report: Report, format: Format, ctx: RenderContext): string {
  return redact(renderers[format](report, ctx));
}
