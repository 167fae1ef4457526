import { describe, expect, it } from 'vitest';
import { Listing } from '../../src/commands/backup-rsync/manifest.js';

const blank = ' '.repeat(32);
const digest = '637dd6950cb66e738dbc3fb707dabe3d';
const older = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const newer = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const linked = (name: string) => `hf${' '.repeat(9)} ${blank} ${name}`;

/** Lines as runRsync hands them over: split at newlines and at --info=progress2's carriage returns. */
async function parse(stdout: string, bases: Map<string, string>[] = []): Promise<Listing> {
  const listing = new Listing(Promise.resolve(bases));
  for (const line of stdout.split(/[\r\n]/)) listing.take(line);
  await listing.ready;
  return listing;
}

describe("rsync's `-ii --out-format='%i %C %n'` listing", () => {
  it("keeps every regular file with its manifest line: rsync's digest, or the base's for a plain link", async () => {
    const listing = [
      `.d..t...... ${blank} ./`,
      `>f+++++++++ ${digest} cur/a b`,
      `>f..t...... ${blank} cur/touched`,
      `hf+++++++++ ${blank} cur/link`,
      linked('cur/unchanged'),
      linked('cur/not-in-base'),
      `cf...p..... ${blank} cur/mode-changed`,
      `>f+++++++++ ${digest} cur/x => y`,
      `cL+++++++++ ${blank} cur/symlink`,
      `*deleting   ${blank} cur/gone`,
      `   1,024,000  50%  1.00MB/s    0:00:01 (xfr#1, to-chk=1/3)\r>f+++++++++ ${digest} new/after-progress`,
    ].join('\n');
    const { files, escaped } = await parse(listing, [new Map([['cur/unchanged', older]])]);
    expect(escaped).toBe(false);
    expect(files).toEqual([
      { name: 'cur/a b', line: `${digest}  cur/a b\n` },
      { name: 'cur/touched', line: undefined },
      { name: 'cur/link', line: undefined },
      { name: 'cur/unchanged', line: `${older}  cur/unchanged\n` },
      { name: 'cur/not-in-base', line: undefined },
      { name: 'cur/mode-changed', line: undefined },
      { name: 'cur/x => y', line: `${digest}  cur/x => y\n` },
      { name: 'new/after-progress', line: `${digest}  new/after-progress\n` },
    ]);
  });

  it('gives a linked file a digest only where two bases agree, also when their manifests arrive late', async () => {
    let read: (bases: Map<string, string>[]) => void = () => undefined;
    const listing = new Listing(new Promise((resolve) => (read = resolve)));
    for (const name of ['same', 'differs', 'only-older']) listing.take(linked(name));
    read([
      new Map([
        ['same', older],
        ['differs', newer],
      ]),
      new Map([
        ['same', older],
        ['differs', older],
        ['only-older', older],
      ]),
    ]);
    await listing.ready;
    listing.take(linked('after'));
    expect(listing.files).toEqual([
      { name: 'same', line: `${older}  same\n` },
      { name: 'differs', line: undefined },
      { name: 'only-older', line: `${older}  only-older\n` },
      { name: 'after', line: undefined },
    ]);
  });

  it('takes every item of the listing and leaves the --stats summary to the caller', async () => {
    const listing = await parse('');
    expect(listing.take(`cd${' '.repeat(9)} ${blank} cur/`)).toBe(true);
    expect(listing.take(linked('cur/a'))).toBe(true);
    expect(listing.take('Number of files: 3 (reg: 2, dir: 1)')).toBe(false);
    expect(listing.take('Total bytes sent: 1234')).toBe(false);
    expect(listing.take('')).toBe(false);
    expect(listing.files.map((f) => f.name)).toEqual(['cur/a']);
  });

  it('leaves out a name rsync escaped, and says so', async () => {
    const { files, escaped } = await parse(`>f+++++++++ ${digest} cur/new\\#012line`);
    expect(escaped).toBe(true);
    expect(files).toEqual([]);
  });
});
