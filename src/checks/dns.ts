import { askServer } from './dns-client.js';
import { type CheckContext, describeError, errored, failed, type Outcome, passed } from './outcome.js';

export interface DnsOptions {
  /** ip or ip:port of each server asked. */
  servers: string[];
  query: string;
  type: string;
  /** The answer set, exactly (order does not matter); absent: any answer. */
  expect?: string[];
}

/** Every server answers the question; with `expect`, exactly that answer set. */
export async function dnsCheck(options: DnsOptions, { signal, timeoutMs }: CheckContext): Promise<Outcome> {
  const want = options.expect ? [...options.expect].sort() : undefined;
  const answers = await Promise.all(
    options.servers.map((server) =>
      askServer(server, options.query, options.type, { timeoutMs, signal }).then(
        (answer) => ({ server, answer }),
        (error: unknown) => ({ server, error: describeError(error) }),
      ),
    ),
  );
  const details = { kind: 'dns-answers' as const, query: options.query, type: options.type, answers };
  const shown = (a: (typeof answers)[number]) =>
    `${a.server}: ${'error' in a ? a.error : a.answer.join(', ') || '(empty)'}`;
  const question = `${options.type} ${options.query}`;
  if (answers.some((a) => 'error' in a))
    return errored(`${question}: ${answers.map(shown).join('; ')}`, { details });
  const wrong = want ? answers.filter((a) => 'answer' in a && a.answer.join(',') !== want.join(',')) : [];
  return wrong.length
    ? failed(`${question}: ${wrong.map(shown).join('; ')} (expected ${want?.join(', ') ?? ''})`, { details })
    : passed(`${question}: ${answers.map(shown).join('; ')}`, { details });
}
