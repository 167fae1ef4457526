import { askServer } from '../../../checks/dns-client.js';
import type { KindOf } from '../schema.js';
import { describeError, failed, passed, type Probe } from './types.js';

/** Every server answers the question; with `expect`, exactly that answer set. */
export function dnsProbe(spec: KindOf<'dns'>): Probe {
  const want = spec.expect ? [...spec.expect].sort() : undefined;
  return async ({ signal, timeoutMs }) => {
    const answers = await Promise.all(
      spec.servers.map((server) =>
        askServer(server, spec.query, spec.type, { timeoutMs, signal }).then(
          (answer) => ({ server, answer }),
          (error: unknown) => ({ server, error: describeError(error) }),
        ),
      ),
    );
    const wrong = answers.filter(
      (a) => 'error' in a || (want !== undefined && a.answer.join(',') !== want.join(',')),
    );
    const shown = (a: (typeof answers)[number]) =>
      `${a.server}: ${'error' in a ? a.error : a.answer.join(', ') || '(empty)'}`;
    return wrong.length
      ? failed(
          `${spec.type} ${spec.query}: ${wrong.map(shown).join('; ')}${want ? ` (expected ${want.join(', ')})` : ''}`,
        )
      : passed(`${spec.type} ${spec.query}: ${answers.map(shown).join('; ')}`);
  };
}
