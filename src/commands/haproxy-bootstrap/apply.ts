import { readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { runShell } from '../../process/run-process.js';
import {
  ownershipOf,
  syncDir,
  tempPathFor,
  writeFileAtomic,
  writeWithOwnership,
} from '../../output/atomic-write.js';

/** A validate or reload command as it ran: the temp file's path in its words is the target's. */
export interface CommandRun {
  kind: 'command';
  command: string;
  exitCode: number;
  stopped: boolean;
  output: string;
}

export type ApplyOutcome =
  | { state: 'unchanged' }
  | { state: 'applied'; backup?: string; validated?: CommandRun; reloaded?: CommandRun }
  | { state: 'invalid'; validated: CommandRun }
  | { state: 'reload-failed'; validated?: CommandRun; reloaded: CommandRun };

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
  const execute = async (command: string): Promise<CommandRun> => {
    const result = await runShell(command.replaceAll('{file}', quote(temp)), { signal: options.signal });
    return {
      kind: 'command',
      command,
      exitCode: result.code,
      stopped: result.stopped,
      output: result.output.replaceAll(temp, file),
    };
  };
  try {
    await writeWithOwnership(temp, candidate, await ownershipOf(file));
    const validated = options.validateCmd ? await execute(options.validateCmd) : undefined;
    if (validated && validated.exitCode !== 0) return { state: 'invalid', validated };
    const checked = validated ? { validated } : {};
    const backup = current === '' ? undefined : `${file}.bak`;
    if (backup) await writeFileAtomic(backup, current, { like: file });
    await rename(temp, file);
    await syncDir(dirname(file));
    const kept = backup ? { backup } : {};
    if (!options.reloadCmd) return { state: 'applied', ...kept, ...checked };
    const reloaded = await execute(options.reloadCmd);
    if (reloaded.exitCode === 0) return { state: 'applied', ...kept, ...checked, reloaded };
    if (backup) await writeFileAtomic(file, current);
    else await rm(file, { force: true });
    return { state: 'reload-failed', ...checked, reloaded };
  } finally {
    await rm(temp, { force: true });
  }
}
