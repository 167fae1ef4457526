import { randomBytes } from 'node:crypto';

export const TAG_HEADER = 'X-Mailops-Probe';
export const TAG_PREFIX = 'e2e-probe-';
const TAG = /^e2e-probe-(\d{13})-([a-z0-9]{6,})$/;

/** e2e-probe-<unix ms>-<random>: the send time travels with the message, so cleanup needs no state. */
export function makeTag(nowMs: number): string {
  return `${TAG_PREFIX}${nowMs}-${randomBytes(6).toString('hex')}`;
}

/** The send time inside a tag, or undefined when the text is not one of our tags. */
export function tagTime(text: string): number | undefined {
  const match = TAG.exec(text.trim());
  return match ? Number(match[1]) : undefined;
}

/** A tag found in a header value or a subject line ("e2e-probe-...: ..."). */
export function findTag(text: string): string | undefined {
  const match = /e2e-probe-\d{13}-[a-z0-9]{6,}/.exec(text);
  return match?.[0];
}
