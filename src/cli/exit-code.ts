import type { Status } from '../checks/types.js';
import { ExitCode } from '../errors.js';

/**
 * The exit code of a run that produced a report. A check that could not be
 * evaluated (a refused connection) is a failed check for the operator: the
 * mail path is broken. A failed push matters only when everything else passed,
 * since a failing run already exits 1 and its alert does not need the push.
 */
export function exitCodeFor(status: Status, pushFailed: boolean): ExitCode {
  if (status === 'fail' || status === 'error') return ExitCode.checkFailed;
  return pushFailed ? ExitCode.pushFailed : ExitCode.ok;
}
