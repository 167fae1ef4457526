import type { Lab } from '../../lab/index.ts';
import { labImapArgs, labProbeArgs } from '../../lab/probe-args.ts';

export { labProbeEnv as probeEnv } from '../../lab/probe-args.ts';

/** Short windows for tests: IDLE finds the probe at once; a lost wake-up shows as a 5 s wait. */
const WINDOWS = ['--interval', '5s', '--attempts', '6'];

export function imapArgs(lab: Lab, user = lab.users[0]!): string[] {
  return [...labImapArgs(lab, user), ...WINDOWS];
}

export function probeArgs(lab: Lab, extra: string[] = [], user = lab.users[0]!): string[] {
  return [...labProbeArgs(lab, user), ...WINDOWS, ...extra];
}
