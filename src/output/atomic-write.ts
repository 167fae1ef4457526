import { rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A temp file beside `path` (same filesystem, so renaming it over `path` is atomic), hidden, this process's. */
export const tempPathFor = (path: string) =>
  join(dirname(path), `.${basename(path)}.mailops-${process.pid}.tmp`);

/** Writes a file so a reader sees the old content or the new, never half: a temp file, then a rename. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temp = tempPathFor(path);
  await writeFile(temp, content);
  await rename(temp, path);
}
