import type { CommandSpec } from '../cli/command-spec.js';
import { backupRsync } from './backup-rsync/spec.js';
import { completion } from './completion/spec.js';
import { haproxyBootstrap } from './haproxy-bootstrap/spec.js';
import { probeRoundtrip } from './probe-roundtrip/spec.js';
import { readinessGate } from './readiness-gate/spec.js';
import { spfCheck } from './spf-check/spec.js';

/** Every registered subcommand. A command is listed here only once it works end to end. */
export const commandSpecs: readonly CommandSpec[] = [
  backupRsync,
  completion,
  haproxyBootstrap,
  probeRoundtrip,
  readinessGate,
  spfCheck,
];
