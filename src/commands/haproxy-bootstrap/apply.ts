import { readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stopReason } from '../../checks/deadline.js';
import { type ProcessResult, runShell } from '../../process/run-process.js';
import {
  ownershipOf,
  syncDir,
  tempPathFor,
  writeFileAtomic,
  writeWithOwnership,
} from '../../output/atomic-write.js';

export type ApplyOutcome =
  | { state: 'unchanged' }
  | { state: 'applied'; backup?: string; reloaded: boolean }
  | { state: 'invalid'; output: string }
  | { state: 'reload-failed'; output: string };

const quote = (path: string) => `'${path.replace(/'/g, `'\\''`)}'`;

/** The current text of a target file; an absent file is empty (the first run creates it). */
export async function readTarget(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/**
 * Validate, then replace, then reload: the candidate is written next to the file
 * and validated there ({file} in the command); only a valid candidate is renamed
 * over the file, after the previous version is kept as <file>.bak. A failed reload
 * puts the previous version back.
 */
export async function applyCandidate(
  file: string,
  current: string,
  candidate: string,
  options: { validateCmd?: string | undefined; reloadCmd?: string | undefined; signal: AbortSignal },
): Promise<ApplyOutcome> {
  if (candidate === current) return { state: 'unchanged' };
  // Validated where it lies, then renamed over the file: the same temp path an atomic write uses,
  // with the mode, owner and group of the file it replaces.
  const temp = tempPathFor(file);
  // A command cut short by the deadline says why in its place.
  const said = (result: ProcessResult) =>
    result.stopped ? `stopped: ${stopReason(options.signal)}` : result.output.replaceAll(temp, file);
  try {
    await writeWithOwnership(temp, candidate, await ownershipOf(file));
    if (options.validateCmd) {
      const check = await runShell(options.validateCmd.replaceAll('{file}', quote(temp)), {
        signal: options.signal,
      });
      if (check.code !== 0) return { state: 'invalid', output: said(check) };
    }
    const backup = current === '' ? undefined : `${file}.bak`;
    if (backup) await writeFileAtomic(backup, current, { like: file });
    await rename(temp, file);
    await syncDir(dirname(file));
    const kept = backup ? { backup } : {};
    if (!options.reloadCmd) return { state: 'applied', ...kept, reloaded: false };
    const reload = await runShell(options.reloadCmd, { signal: options.signal });
    if (reload.code === 0) return { state: 'applied', ...kept, reloaded: true };
    if (backup) await writeFileAtomic(file, current);
    else await rm(file, { force: true });
    return { state: 'reload-failed', output: said(reload) };
  } finally {
    await rm(temp, { force: true });
  }
}
