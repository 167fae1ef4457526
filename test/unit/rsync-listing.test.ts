import { describe, expect, it } from 'vitest';
import { Listing } from '../../src/commands/backup-rsync/manifest.js';

const blank = ' '.repeat(32);
const digest = '637dd6950cb66e738dbc3fb707dabe3d';

/** Lines as runRsync hands them over: split at newlines and at --info=progress2's carriage returns. */
function parse(stdout: string): Listing {
  const listing = new Listing();
  for (const line of stdout.split(/[\r\n]/)) listing.take(line);
  return listing;
}

describe("rsync's `-ii --out-format='%i %C %n'` listing", () => {
  it('keeps every regular file, with its digest when rsync printed one, and marks plain links to a base', () => {
    const listing = [
      `.d..t...... ${blank} ./`,
      `>f+++++++++ ${digest} cur/a b`,
      `>f..t...... ${blank} cur/touched`,
      `hf+++++++++ ${blank} cur/link`,
      `hf          ${blank} cur/unchanged`,
      `cf...p..... ${blank} cur/mode-changed`,
      `>f+++++++++ ${digest} cur/x => y`,
      `cL+++++++++ ${blank} cur/symlink`,
      `*deleting   ${blank} cur/gone`,
      `   1,024,000  50%  1.00MB/s    0:00:01 (xfr#1, to-chk=1/3)\r>f+++++++++ ${digest} new/after-progress`,
    ].join('\n');
    const { files, escaped } = parse(listing);
    expect(escaped).toBe(false);
    expect(files).toEqual([
      { name: 'cur/a b', digest, linked: false },
      { name: 'cur/touched', digest: '', linked: false },
      { name: 'cur/link', digest: '', linked: false },
      { name: 'cur/unchanged', digest: '', linked: true },
      { name: 'cur/mode-changed', digest: '', linked: false },
      { name: 'cur/x => y', digest, linked: false },
      { name: 'new/after-progress', digest, linked: false },
    ]);
  });

  it('takes every item of the listing and leaves the --stats summary to the caller', () => {
    const listing = new Listing();
    expect(listing.take(`cd${' '.repeat(9)} ${blank} cur/`)).toBe(true);
    expect(listing.take(`hf${' '.repeat(9)} ${blank} cur/a`)).toBe(true);
    expect(listing.take('Number of files: 3 (reg: 2, dir: 1)')).toBe(false);
    expect(listing.take('Total bytes sent: 1234')).toBe(false);
    expect(listing.take('')).toBe(false);
    expect(listing.files.map((f) => f.name)).toEqual(['cur/a']);
  });

  it('leaves out a name rsync escaped, and says so', () => {
    const { files, escaped } = parse(`>f+++++++++ ${digest} cur/new\\#012line`);
    expect(escaped).toBe(true);
    expect(files).toEqual([]);
  });
});
