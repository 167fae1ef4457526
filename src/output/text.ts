import { Chalk } from 'chalk';
import type { Report, Status } from '../checks/types.js';
import { formatDuration } from '../config/duration.js';
import { detailBlocks, domainTable } from './blocks.js';

const MARK: Record<Status, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skipped: 'SKIP' };

/**
 * The human report: one line per check, warnings, and last the verdict line,
 * so `tail -1` of a CronJob log says how the run ended.
 */
export function renderText(report: Report, color: boolean): string {
  const chalk = new Chalk({ level: color ? 1 : 0 });
  const paint: Record<Status, (text: string) => string> = {
    pass: chalk.green,
    fail: chalk.red,
    error: chalk.magenta,
    skipped: chalk.yellow,
  };
  const mark = (status: Status) => paint[status](MARK[status].padEnd(5));
  const lines: string[] = [];
  const width = Math.max(0, ...report.checks.map((c) => c.name.length));
  const rows = domainTable(report, mark);
  if (rows) lines.push(...rows);
  else
    for (const check of report.checks) {
      const attempts =
        check.attempts !== undefined && check.attempts > 1 ? `, ${check.attempts} attempts` : '';
      lines.push(
        `  ${mark(check.status)} ${check.name.padEnd(width)}  ${check.summary} ${chalk.dim(`(${formatDuration(check.durationMs)}${attempts})`)}`,
      );
    }
  for (const warning of report.warnings) lines.push(`${chalk.yellow('warning:')} ${warning}`);
  lines.push(
    `${mark(report.status)} ${chalk.bold(report.command)} ${chalk.dim(`(${formatDuration(report.durationMs)})`)}: ${report.summary}`,
  );
  lines.push(...detailBlocks(report));
  return `${lines.join('\n')}\n`;
}
