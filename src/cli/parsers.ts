import { InvalidArgumentError } from 'commander';
import { DURATION_EXPECTED, parseDuration } from '../config/duration.js';
import { isHttpUrl, isLabelName } from '../config/names.js';

/** Flag value parsers: each names what it expected and what it got, for commander's one-line error. */
export function durationArg(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined)
    throw new InvalidArgumentError(`expected ${DURATION_EXPECTED}, got ${JSON.stringify(value)}`);
  return ms;
}

export function portArg(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new InvalidArgumentError(`expected a port from 1 to 65535, got ${JSON.stringify(value)}`);
  }
  return port;
}

export function positiveIntArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1)
    throw new InvalidArgumentError(`expected a whole number >= 1, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * A parser for repeatable name=value flags; the env var form takes several,
 * separated by commas. `valid` judges a pair; `expected` says what it wants.
 */
export function keyValueArg(valid: (name: string, value: string) => boolean, expected: string) {
  return (value: string, previous: unknown): Record<string, string> => {
    const pairs = { ...(previous as Record<string, string> | undefined) };
    for (const pair of value.split(',')) {
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const given = pair.slice(eq + 1);
      if (eq <= 0 || !valid(name, given))
        throw new InvalidArgumentError(`expected ${expected}, got ${JSON.stringify(pair)}`);
      // Two values for one name: which one was meant cannot be guessed, and the other would be dropped.
      if (name in pairs)
        throw new InvalidArgumentError(`expected each name once, got ${JSON.stringify(name)} twice`);
      pairs[name] = given;
    }
    return pairs;
  };
}

/** A repeatable flag's values, in order; the env var form takes several, comma-separated. */
export function listArg(value: string, previous: unknown): string[] {
  const items = value.split(',').map((item) => item.trim());
  if (items.some((item) => item === ''))
    throw new InvalidArgumentError(`expected non-empty values, got ${JSON.stringify(value)}`);
  return [...((previous as string[] | undefined) ?? []), ...items];
}

/** --source name=path: a plain name and a non-empty path. */
export const pairsArg = keyValueArg(
  (name, path) => /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) && path !== '',
  'name=path with a plain name',
);

/** --label: Prometheus label names, so a push is never refused for one. */
export const labelsArg = keyValueArg(isLabelName, 'key=value with a Prometheus label name as key');

export function urlArg(value: string): string {
  if (!isHttpUrl(value))
    throw new InvalidArgumentError(`expected an http:// or https:// URL, got ${JSON.stringify(value)}`);
  return value;
}
