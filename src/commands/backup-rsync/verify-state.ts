import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { describeValue, formatIssue } from '../../config/issues.js';
import { IncompleteError } from '../../errors.js';
import { writeFileAtomic } from '../../output/atomic-write.js';

/**
 * Where rolling verification keeps its place, in the destination: with the snapshots it reads,
 * so whichever pod or host runs the next verify continues from it.
 */
export const STATE_FILE = '.mailops-verify.json';

/** Mismatching files a state remembers (each run reads them again); more are reported when found, not kept. */
export const REMEMBERED = 1000;

const place = v.strictObject({ source: v.string(), path: v.string() });
const mismatch = v.strictObject({
  ...place.entries,
  problem: v.picklist(['changed', 'missing', 'unreadable']),
});
const isoTime = v.pipe(v.string(), v.isoTimestamp());
const stateSchema = v.strictObject({
  version: v.literal(1),
  /** The newest snapshot when the state was written. */
  snapshot: v.string(),
  /** The last file read in this cycle, by source name then path; absent: the cycle starts at the first. */
  cursor: v.optional(place),
  cycleStartedAt: isoTime,
  /** A manifest could not be read in this cycle: its end is not a full cycle. */
  holed: v.boolean(),
  lastFullCycleAt: v.optional(isoTime),
  /** Files found differing from the manifest, missing or unreadable, and not found right since. */
  mismatched: v.array(mismatch),
});

export type Place = v.InferOutput<typeof place>;
export type Remembered = v.InferOutput<typeof mismatch>;
export type Problem = Remembered['problem'];
export type VerifyState = v.InferOutput<typeof stateSchema>;

export const freshState = (snapshot: string, now: Date): VerifyState => ({
  version: 1,
  snapshot,
  cycleStartedAt: now.toISOString(),
  holed: false,
  mismatched: [],
});

/**
 * The state kept in dest; a fresh one when there is none yet. A state that cannot be used (a
 * hand edit, a newer format) starts a new cycle, with a warning, rather than stop verification.
 */
export async function readState(
  dest: string,
  snapshot: string,
  now: Date,
): Promise<{ state: VerifyState; warning?: string }> {
  const file = join(dest, STATE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return { state: freshState(snapshot, now) };
    // Not a reason to start over: the file may be fine once it can be read (permissions, a mount).
    throw new IncompleteError(`${file}: expected the verify state, got ${e.code ?? e.message}`, {
      cause: error,
    });
  }
  let problem: string;
  try {
    const parsed = v.safeParse(stateSchema, JSON.parse(text));
    if (parsed.success) return { state: parsed.output };
    problem = formatIssue(parsed.issues[0]);
  } catch {
    problem = `expected JSON, got ${describeValue(text)}`;
  }
  return { state: freshState(snapshot, now), warning: `${file}: ${problem}; a new cycle starts` };
}

export const writeState = (dest: string, state: VerifyState) =>
  writeFileAtomic(join(dest, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
