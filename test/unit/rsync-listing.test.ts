import { describe, expect, it } from 'vitest';
import { changedFiles } from '../../src/commands/backup-rsync/manifest.js';

const blank = ' '.repeat(32);
const digest = '637dd6950cb66e738dbc3fb707dabe3d';

describe("rsync's `%i %C %n` listing", () => {
  it('keeps the files rsync wrote, with its digest when it printed one', () => {
    const listing = [
      `.d..t...... ${blank} ./`,
      `>f+++++++++ ${digest} cur/a b`,
      `>f..t...... ${blank} cur/touched`,
      `hf+++++++++ ${blank} cur/link => cur/a b`,
      `cL+++++++++ ${blank} cur/symlink -> x`,
      `*deleting   ${blank} cur/gone`,
      `   1,024,000  50%  1.00MB/s    0:00:01 (xfr#1, to-chk=1/3)\r>f+++++++++ ${digest} new/after-progress`,
    ].join('\n');
    const { changed, escaped } = changedFiles(listing);
    expect(escaped).toBe(false);
    expect([...changed]).toEqual([
      ['cur/a b', digest],
      ['cur/touched', ''],
      ['cur/link', ''],
      ['new/after-progress', digest],
    ]);
  });

  it('distrusts the listing when rsync escaped a name', () => {
    expect(changedFiles(`>f+++++++++ ${digest} cur/new\\#012line`).escaped).toBe(true);
  });
});
