import { InvalidArgumentError } from 'commander';
import { DURATION_EXPECTED, parseDuration } from '../config/duration.js';

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
