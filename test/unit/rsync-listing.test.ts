import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Listing, manifestLine } from '../../src/commands/backup-rsync/listing.js';
import { ManifestText } from '../../src/commands/backup-rsync/manifest.js';
import { GoneFiles } from '../../src/commands/backup-rsync/gone-files.js';
import { snapshotChecksums } from '../../src/commands/backup-rsync/snapshot-manifest.js';
import { tempDir } from '../helpers/scratch.js';

const blank = ' '.repeat(32);
const digest = '637dd6950cb66e738dbc3fb707dabe3d';
const older = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const newer = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
/** A base's manifest as read back: each path with its whole line. */
const manifest = (sums: Record<string, string>) =>
  new ManifestText(
    Object.entries(sums)
      .map(([name, sum]) => `${sum}  ${name}\n`)
      .join(''),
  );

/** Lines as runRsync hands them over: split at newlines and at --info=progress2's carriage returns. */
function parse(stdout: string): Listing {
  const listing = new Listing();
  for (const line of stdout.split(/[\r\n]/)) listing.take(line);
  return listing;
}

/** A snapshot tree holding `files` (name -> content), and rsync's listing of the ones it wrote. */
function snapshot(files: Record<string, string>, written: string[]): { root: string; listing: Listing } {
  const root = tempDir('snapshot');
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), body);
  }
  return {
    root,
    listing: parse(written.map((name) => `>f+++++++++ ${md5(files[name]!)} ${name}`).join('\n')),
  };
}

describe("rsync's `-i --out-format='%i %C %n'` listing", () => {
  it("keeps every regular file it lists, with rsync's digest where it gave one", () => {
    const listing = [
      `cd+++++++++ ${blank} cur/`,
      `>f+++++++++ ${digest} cur/a b`,
      `>f..t...... ${blank} cur/touched`,
      `hf+++++++++ ${blank} cur/link`,
      `cf...p..... ${blank} cur/mode-changed`,
      `>f+++++++++ ${digest} cur/x => y`,
      `cL+++++++++ ${blank} cur/symlink`,
      `*deleting   ${blank} cur/gone`,
      `   1,024,000  50%  1.00MB/s    0:00:01 (xfr#1, to-chk=1/3)\r>f+++++++++ ${digest} new/after-progress`,
    ].join('\n');
    const { files, escaped } = parse(listing);
    expect(escaped).toBe(false);
    expect(files).toEqual([
      { name: 'cur/a b', line: `${digest}  cur/a b\n` },
      { name: 'cur/touched', line: undefined },
      { name: 'cur/link', line: undefined },
      { name: 'cur/mode-changed', line: undefined },
      { name: 'cur/x => y', line: `${digest}  cur/x => y\n` },
      { name: 'new/after-progress', line: `${digest}  new/after-progress\n` },
    ]);
  });

  it('decodes the names rsync escaped back to the real ones', () => {
    const { files, escaped } = parse(
      [
        `>f+++++++++ ${digest} caf\\#303\\#251`,
        `>f+++++++++ ${digest} new\\#012line`,
        `>f+++++++++ ${digest} literal\\#134#123`,
        `>f+++++++++ ${digest} plain\\#12`,
      ].join('\n'),
    );
    expect(escaped).toBe(false);
    expect(files.map((f) => f.name)).toEqual(['café', 'new\nline', 'literal\\#123', 'plain\\#12']);
  });

  it('writes the manifest line of a name with a newline, backslash or carriage return as md5sum does, and reads it back', () => {
    const name = 'a\nb\\c\rd';
    const line = manifestLine(digest, name);
    expect(line).toBe(`\\${digest}  a\\nb\\\\c\\rd\n`);
    const read = new ManifestText(`${manifestLine(digest, 'a')}${line}${manifestLine(older, 'b')}`);
    expect(read.names).toEqual(['a', name, 'b']);
    expect([0, 1, 2].map((i) => read.digest(i))).toEqual([digest, digest, older]);
    expect(read.line(1)).toBe(line);
    expect(read.sorted).toBe(true);
    // md5sum escapes nothing else: any other escape is a damaged line.
    expect(new ManifestText(`\\${digest}  a\\tb\n`).names).toEqual([]);
  });

  it('leaves out a name that is not UTF-8, and says so', () => {
    const { files, escaped } = parse(`>f+++++++++ ${digest} latin1-caf\\#351`);
    expect(escaped).toBe(true);
    expect(files).toEqual([]);
  });

  it('takes every item of the listing and leaves the --stats summary to the caller', () => {
    const listing = parse('');
    expect(listing.take(`cd${' '.repeat(9)} ${blank} cur/`)).toBe(true);
    expect(listing.take(`>f+++++++++ ${digest} cur/a`)).toBe(true);
    expect(listing.take('Number of files: 3 (reg: 2, dir: 1)')).toBe(false);
    expect(listing.take('Total bytes sent: 1234')).toBe(false);
    expect(listing.take('')).toBe(false);
    expect(listing.files.map((f) => f.name)).toEqual(['cur/a']);
  });
});

describe('the manifest of a new snapshot', () => {
  const files = { 'cur/a': 'a', 'cur/b': 'b', 'new/c': 'c' };

  it("takes the unlisted files from the base when rsync's count says they are all there", async () => {
    const { root, listing } = snapshot(files, ['new/c']);
    // The base's digests are taken as they are (not hashed again): a made-up one shows it.
    const base = manifest({ 'cur/a': older, 'cur/b': md5('b') });
    const sums = await snapshotChecksums(root, listing, [base], { regularFiles: 3, complete: true });
    expect(sums).toEqual({
      text: `${older}  cur/a\n${md5('b')}  cur/b\n${md5('c')}  new/c\n`,
      files: 3,
      hashed: 0,
      from: 'listing',
      unnamed: [],
    });
  });

  it("puts rsync's files into the base's text where they sort, also from a base out of order", async () => {
    const tree = { '0': '0', 'a/1': '1', 'a/2': '2', 'a/3': '3', 'b/1': '4', 'b/2': '5', c: '6' };
    const { root, listing } = snapshot(tree, ['c', 'a/2', '0', 'b/1', 'a/3']);
    const sums = Object.fromEntries(Object.entries(tree).map(([name, body]) => [name, md5(body)]));
    const expected = Object.entries(sums)
      .map(([name, sum]) => `${sum}  ${name}\n`)
      .join('');
    const sorted = manifest({ 'a/1': sums['a/1']!, 'a/2': older, 'b/2': sums['b/2']! });
    const spliced = await snapshotChecksums(root, listing, [sorted], { regularFiles: 7, complete: true });
    expect(spliced).toEqual({ text: expected, files: 7, hashed: 0, from: 'listing', unnamed: [] });
    const unsorted = manifest({ 'b/2': sums['b/2']!, 'a/1': sums['a/1']!, 'a/2': older });
    expect(unsorted.sorted).toBe(false);
    const looked = await snapshotChecksums(root, listing, [unsorted], { regularFiles: 7, complete: true });
    expect(looked).toEqual(spliced);
  });

  it('takes out the lines of base files that are gone, next to new ones that sort in their place', async () => {
    const tree = { a: 'a', b: 'b', d: 'd', f: 'f' };
    const { root, listing } = snapshot(tree, ['b', 'f']);
    // c and e were deleted since the base; b and f are new, b where c was and f after e.
    const base = manifest({ a: md5('a'), c: older, d: md5('d'), e: older });
    const sums = await snapshotChecksums(root, listing, [base], { regularFiles: 4, complete: true });
    expect(sums).toEqual({
      text: ['a', 'b', 'd', 'f'].map((name) => `${md5(name)}  ${name}\n`).join(''),
      files: 4,
      hashed: 0,
      from: 'directories',
      unnamed: [],
    });
  });

  it('hashes a linked file whose two bases disagree, or whose base has no manifest', async () => {
    const { root, listing } = snapshot(files, ['new/c']);
    const newerBase = manifest({ 'cur/a': older, 'cur/b': newer });
    const olderBase = manifest({ 'cur/a': older, 'cur/b': older });
    const disagree = await snapshotChecksums(root, listing, [newerBase, olderBase], {
      regularFiles: 3,
      complete: true,
    });
    expect(disagree.text).toBe(`${older}  cur/a\n${md5('b')}  cur/b\n${md5('c')}  new/c\n`);
    expect(disagree.hashed).toBe(1);
    const unknown = await snapshotChecksums(root, listing, [newerBase, undefined], {
      regularFiles: 3,
      complete: true,
    });
    expect(unknown).toMatchObject({ hashed: 2, from: 'walk' });
    expect(unknown.text).toBe(`${md5('a')}  cur/a\n${md5('b')}  cur/b\n${md5('c')}  new/c\n`);
  });

  it('walks the tree when a base file is gone, a file vanished or a name could not be read back', async () => {
    const { root, listing } = snapshot(files, ['new/c']);
    const base = manifest({ 'cur/a': older, 'cur/b': older, 'cur/deleted': older });
    const expected = `${older}  cur/a\n${older}  cur/b\n${md5('c')}  new/c\n`;
    const deleted = await snapshotChecksums(root, listing, [base], { regularFiles: 3, complete: true });
    expect(deleted).toEqual({ text: expected, files: 3, hashed: 0, from: 'directories', unnamed: [] });
    const vanished = await snapshotChecksums(root, listing, [base], { regularFiles: 4, complete: false });
    expect(vanished).toEqual({ text: expected, files: 3, hashed: 0, from: 'walk', unnamed: [] });
    // The name left out may be one the base knows with an older digest: nothing unlisted is trusted.
    listing.take(`>f+++++++++ ${digest} cur/\\#377`);
    const escaped = await snapshotChecksums(root, listing, [base], { regularFiles: 3, complete: true });
    expect(escaped).toMatchObject({ hashed: 2, from: 'walk' });
    expect(escaped.text).toBe(`${md5('a')}  cur/a\n${md5('b')}  cur/b\n${md5('c')}  new/c\n`);
  });

  it('reads directories while rsync runs, and looks again for what was not written yet', async () => {
    const root = tempDir('snapshot');
    const names = [...Array.from({ length: 20 }, (_, i) => `a/${String(i).padStart(2, '0')}`), 'b/1', 'c/1'];
    const base = manifest(Object.fromEntries(names.map((name) => [name, older])));
    for (const dir of ['a', 'b', 'c']) mkdirSync(join(root, dir));
    writeFileSync(join(root, 'a', '00'), 'x');
    const gone = new GoneFiles(root, Promise.resolve(base));
    await Promise.resolve();
    // rsync wrote a file in c: a and b are read now, with 19 of a's files and b/1 not there yet.
    gone.written('c/new');
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const name of names.slice(1, 20)) writeFileSync(join(root, name), 'x');
    writeFileSync(join(root, 'b', '1'), 'x');
    // Not seen: every file written after its directory was read, less the one rsync listed.
    const unseen = await gone.unseen(base, ['a/05']);
    expect(unseen.map((i) => names[i])).toEqual(names.filter((n) => n !== 'a/00' && n !== 'a/05'));
    // Looked up again, c/1 is the one gone.
    expect(await gone.confirmed()).toEqual([names.indexOf('c/1')]);
  });

  it('looks again when more files went unseen than the count says are gone', async () => {
    const root = tempDir('snapshot');
    for (const dir of ['a', 'b']) mkdirSync(join(root, dir));
    const base = manifest({ 'a/1': md5('1'), 'a/2': md5('2'), 'a/gone': older, 'b/1': md5('3') });
    const gone = new GoneFiles(root, Promise.resolve(base));
    await Promise.resolve();
    gone.written('b/new');
    await new Promise((resolve) => setTimeout(resolve, 100));
    // a was read before rsync linked a/1 and a/2 into it.
    writeFileSync(join(root, 'a', '1'), '1');
    writeFileSync(join(root, 'a', '2'), '2');
    writeFileSync(join(root, 'b', '1'), '3');
    writeFileSync(join(root, 'b', 'new'), 'new');
    const listing = parse(`>f+++++++++ ${md5('new')} b/new`);
    const sums = await snapshotChecksums(root, listing, [base], { regularFiles: 4, complete: true }, gone);
    expect(sums.text).toBe(
      ['a/1', 'a/2', 'b/1', 'b/new']
        .map((name, i) => `${md5(['1', '2', '3', 'new'][i]!)}  ${name}\n`)
        .join(''),
    );
    expect(sums.from).toBe('directories');
  });
});
