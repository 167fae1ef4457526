import { Chalk } from 'chalk';
import type { Report, Status } from '../checks/types.js';
import { formatDuration } from '../config/duration.js';

const MARK: Record<Status, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skip: 'SKIP' };

/** The human report: one headline, one line per check, warnings last. */
export function renderText(report: Report, color: boolean): string {
  const chalk = new Chalk({ level: color ? 1 : 0 });
  const paint: Record<Status, (text: string) => string> = {
    pass: chalk.green,
    fail: chalk.red,
    error: chalk.magenta,
    skip: chalk.yellow,
  };
  const mark = (status: Status) => paint[status](MARK[status].padEnd(5));
  const lines = [
    `${mark(report.status)} ${chalk.bold(report.command)}: ${report.summary} ${chalk.dim(`(${formatDuration(report.durationMs)})`)}`,
  ];
  const width = Math.max(0, ...report.checks.map((c) => c.name.length));
  for (const check of report.checks) {
    const attempts = check.attempts !== undefined && check.attempts > 1 ? `, ${check.attempts} attempts` : '';
    lines.push(
      `  ${mark(check.status)} ${check.name.padEnd(width)}  ${check.summary} ${chalk.dim(`(${formatDuration(check.durationMs)}${attempts})`)}`,
    );
  }
  for (const warning of report.warnings) lines.push(`${chalk.yellow('warning:')} ${warning}`);
  return `${lines.join('\n')}\n`;
}
