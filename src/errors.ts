/**
 * Exit codes, decided here and nowhere else. 0, 1 and 2 follow the common CLI
 * contract (goss, kubectl); 3 and 4 let a CronJob tell "mail is broken" from
 * "the probe itself could not run" and "the metrics did not arrive".
 */
export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
  incomplete: 3,
  pushFailed: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI reports as one line and maps to an exit code. */
export class MailopsError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad flags, env values or config files: the operator must change the call. */
export class UsageError extends MailopsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.usage, options);
  }
}

/** The run could not complete: a local tool is missing, or something broke inside. */
export class IncompleteError extends MailopsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.incomplete, options);
  }
}

/** The checks ran, but their metrics did not reach the Pushgateway. */
export class PushError extends MailopsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.pushFailed, options);
  }
}
