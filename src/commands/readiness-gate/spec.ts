import { command } from '../../cli/command-spec.js';

export const gateOptions = [
  {
    name: 'interval',
    arg: '<duration>',
    description: 'pause between attempts of a check',
    kind: 'duration',
    default: 2_000,
  },
  { name: 'only', arg: '<name>', description: 'run only this declared check, repeatable', kind: 'list' },
  {
    name: 'skip',
    description:
      'override: exit 0 without waiting (needs --reason; loud, pushed as readiness_gate_skipped 1)',
    kind: 'flag',
  },
  { name: 'reason', arg: '<text>', description: 'why the gate is skipped', kind: 'string' },
  { name: 'junit', arg: '<file>', description: 'also write a JUnit XML report here', kind: 'string' },
] as const;

export const readinessGate = command({
  name: 'readiness-gate',
  summary: 'declarative post-deploy checks retried under one deadline; fails unless all are ready',
  defaultJob: 'readiness-gate',
  metricPrefix: 'readiness_gate',
  options: gateOptions,
  defaultTimeoutMs: () => 180_000,
  sectionEntries: () => import('./schema.js').then(({ checksSchema }) => ({ checks: checksSchema })),
  load: () => import('./run.js'),
});
