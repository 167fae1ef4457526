import { durationText } from '../../../config/duration.js';
import { runProcess } from '../../../process/run-process.js';
import type { KindOf } from '../schema.js';
import { failed, passed, type Probe } from './types.js';

/** A command's exit code (and optionally its output) as readiness: argv as given, or a string through sh -c. */
export function commandProbe(spec: KindOf<'command'>): Probe {
  const argv = typeof spec.run === 'string' ? ['sh', '-c', spec.run] : spec.run;
  const matches = spec['output-matches'] ? new RegExp(spec['output-matches'], 'm') : undefined;
  return async ({ signal, timeoutMs }) => {
    const { code, output, stopped, spawnError } = await runProcess(argv, { signal });
    if (spawnError) return failed(`${argv[0]}: could not be started (${spawnError})`);
    if (stopped) return failed(`still running after ${durationText(timeoutMs)}`);
    const last = output.split('\n').at(-1) ?? '';
    if (code !== spec['expect-exit']) return failed(`exit ${code}, expected ${spec['expect-exit']}: ${last}`);
    if (matches && !matches.test(output))
      return failed(`output does not match /${spec['output-matches']}/: ${last}`);
    return passed(`exit ${code}${last ? `: ${last}` : ''}`);
  };
}
