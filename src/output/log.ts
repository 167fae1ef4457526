import { Chalk } from 'chalk';
import { redact } from './redact.js';

export type Level = 'error' | 'warn' | 'info' | 'debug';

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

export interface LoggerOptions {
  write: (line: string) => void;
  verbose: boolean;
  quiet: boolean;
  color: boolean;
  /** Interactive terminals get short coloured lines; logs (CronJobs) get ISO timestamps. */
  tty: boolean;
  now?: () => Date;
}

const RANK: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** Diagnostics for stderr: one line per event, secrets redacted, timestamped when not on a TTY. */
export function createLogger(options: LoggerOptions): Logger {
  const max = options.quiet ? RANK.warn : options.verbose ? RANK.debug : RANK.info;
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const paint: Record<Level, (text: string) => string> = {
    error: chalk.red,
    warn: chalk.yellow,
    info: chalk.cyan,
    debug: chalk.gray,
  };
  const now = options.now ?? (() => new Date());
  const emit = (level: Level, message: string) => {
    if (RANK[level] > max) return;
    const text = redact(message).replace(/\r?\n/g, ' | ');
    const prefix = options.tty ? paint[level](level) : `${now().toISOString()} ${level}`;
    options.write(`${prefix} ${text}\n`);
  };
  return {
    error: (m) => emit('error', m),
    warn: (m) => emit('warn', m),
    info: (m) => emit('info', m),
    debug: (m) => emit('debug', m),
  };
}

/** Lines of one part of a run (a gate check), each led by its name. */
export function taggedLogger(log: Logger, tag: string): Logger {
  return {
    error: (m) => log.error(`${tag}: ${m}`),
    warn: (m) => log.warn(`${tag}: ${m}`),
    info: (m) => log.info(`${tag}: ${m}`),
    debug: (m) => log.debug(`${tag}: ${m}`),
  };
}
