import { type DnsLookup, normaliseAnswers } from '../dns-client.js';

/** One question of check_host()'s evaluation and its answer, as data. */
export interface DnsStep {
  type: string;
  name: string;
  answer?: string[];
  error?: string;
}

/** A lookup that also writes down every question and answer, in order: check_host's trace. */
export function traced(lookup: DnsLookup, trace: DnsStep[]): DnsLookup {
  return async (name, type) => {
    try {
      const answer = await lookup(name, type);
      // Rows as text, comparable and readable: TXT strings joined, MX as "priority exchange".
      trace.push({ type, name, answer: normaliseAnswers(type, answer) });
      return answer;
    } catch (error) {
      trace.push({ type, name, error: (error as { code?: string }).code ?? 'error' });
      throw error;
    }
  };
}
