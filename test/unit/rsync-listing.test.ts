import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineWriter } from '../../src/commands/backup-rsync/line-file.js';
import { Listing, manifestLine, UNKNOWN_DIGEST } from '../../src/commands/backup-rsync/listing.js';
import { manifestEntry } from '../../src/commands/backup-rsync/manifest.js';
import { snapshotChecksums } from '../../src/commands/backup-rsync/snapshot-manifest.js';
import { orderKey } from '../../src/commands/backup-rsync/order-key.js';
import { sortLines } from '../../src/commands/backup-rsync/sort-lines.js';
import { sortedFiles } from '../../src/commands/backup-rsync/sorted-walk.js';
import { manifestCheck } from '../../src/commands/backup-rsync/select.js';
import { tempDir } from '../helpers/scratch.js';

const never = new AbortController().signal;
const blank = ' '.repeat(32);
const digest = '637dd6950cb66e738dbc3fb707dabe3d';
const older = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const newer = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** A base's manifest file, its lines in the order given. */
function manifest(sums: Record<string, string>): string {
  const file = join(tempDir('base'), 'base.md5');
  writeFileSync(
    file,
    Object.entries(sums)
      .map(([name, sum]) => `${sum}  ${name}\n`)
      .join(''),
  );
  return file;
}

/** Lines as runRsync hands them over (split at newlines and progress2's carriage returns), and what was written. */
function parse(stdout: string): {
  listing: Listing;
  lines: () => string[];
  path: string;
  take: (l: string) => void;
} {
  const path = join(tempDir('listing'), 'listed-run0');
  const out = new LineWriter(path);
  const listing = new Listing(out);
  for (const line of stdout.split(/[\r\n]/)) listing.take(line);
  out.flush();
  return {
    listing,
    path,
    lines: () => {
      out.flush();
      return readFileSync(path, 'utf8')
        .split(/(?<=\n)/)
        .filter(Boolean);
    },
    take: (line) => {
      listing.take(line);
      out.flush();
    },
  };
}

/** A snapshot tree holding `files` (name -> content), and rsync's listing of the ones it wrote. */
function snapshot(files: Record<string, string>, written: string[]) {
  const root = tempDir('snapshot');
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), body);
  }
  const parsed = parse(written.map((name) => `>f+++++++++ ${md5(files[name]!)} ${name}`).join('\n'));
  return {
    root,
    take: parsed.take,
    listing: () => ({ runs: [parsed.path], escaped: parsed.listing.escaped }),
  };
}

/** The manifest made into a fresh file, with its text. */
async function made(
  root: string,
  listing: { runs: string[]; escaped: boolean },
  bases: (string | undefined)[],
  rsync: { regularFiles: number; complete: boolean },
) {
  const work = tempDir('work');
  const output = join(work, 'out.md5');
  const sums = await snapshotChecksums(root, listing, bases, rsync, work, output, never);
  return { ...sums, text: readFileSync(output, 'utf8') };
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
    const { listing: parsed, lines } = parse(listing);
    expect(parsed.escaped).toBe(false);
    expect(lines()).toEqual([
      `${digest}  cur/a b\n`,
      `${UNKNOWN_DIGEST}  cur/touched\n`,
      `${UNKNOWN_DIGEST}  cur/link\n`,
      `${UNKNOWN_DIGEST}  cur/mode-changed\n`,
      `${digest}  cur/x => y\n`,
      `${digest}  new/after-progress\n`,
    ]);
  });

  it('decodes the names rsync escaped back to the real ones', () => {
    const { listing, lines } = parse(
      [
        `>f+++++++++ ${digest} caf\\#303\\#251`,
        `>f+++++++++ ${digest} new\\#012line`,
        `>f+++++++++ ${digest} literal\\#134#123`,
        `>f+++++++++ ${digest} plain\\#12`,
      ].join('\n'),
    );
    expect(listing.escaped).toBe(false);
    expect(lines().map((l) => manifestEntry(l)?.name)).toEqual([
      'café',
      'new\nline',
      'literal\\#123',
      'plain\\#12',
    ]);
  });

  it('writes the manifest line of a name with a newline, backslash or carriage return as md5sum does, and reads it back', () => {
    const name = 'a\nb\\c\rd';
    const line = manifestLine(digest, name);
    expect(line).toBe(`\\${digest}  a\\nb\\\\c\\rd\n`);
    expect(manifestEntry(line)).toEqual({ name, digest, line });
    expect(manifestEntry(`${older}  b`)).toEqual({ name: 'b', digest: older, line: `${older}  b\n` });
    // md5sum escapes nothing else: any other escape is a damaged line.
    expect(manifestEntry(`\\${digest}  a\\tb\n`)).toBeUndefined();
    expect(manifestEntry('not a manifest line\n')).toBeUndefined();
  });

  it('leaves out a name that is not UTF-8, and says so', () => {
    const { listing, lines } = parse(`>f+++++++++ ${digest} latin1-caf\\#351`);
    expect(listing.escaped).toBe(true);
    expect(lines()).toEqual([]);
  });

  it('takes every item of the listing and leaves the --stats summary to the caller', () => {
    const { listing, lines } = parse('');
    expect(listing.take(`cd${' '.repeat(9)} ${blank} cur/`)).toBe(true);
    expect(listing.take(`>f+++++++++ ${digest} cur/a`)).toBe(true);
    expect(listing.take('Number of files: 3 (reg: 2, dir: 1)')).toBe(false);
    expect(listing.take('Total bytes sent: 1234')).toBe(false);
    expect(listing.take('')).toBe(false);
    expect(lines().map((l) => manifestEntry(l)?.name)).toEqual(['cur/a']);
  });
});

describe('sorted line files, in bounded memory', () => {
  it('sorts through GNU sort exactly as an in-memory sort does, equal keys in input order', async () => {
    const dir = tempDir('sort');
    // Names with what GNU sort's bytes would order otherwise: a tab, a newline, U+E000 and a surrogate pair.
    const odd = [
      'd1/a\tb',
      'd1/a\nb',
      'd1/a',
      'd1/a b',
      'd1/\uE000',
      'd1/\u{1F600}',
      'd1/\u00e9',
      'd1/~',
      'd1/\u007f',
    ];
    const names = [
      ...Array.from({ length: 1000 }, (_, i) => `d${(i * 7919) % 97}/f${(i * 104729) % 1013}`),
      ...odd,
    ];
    const inputs = [0, 1].map((part) => {
      const file = join(dir, `in${part}`);
      writeFileSync(
        file,
        names
          .filter((_, i) => i % 2 === part)
          .map((n, i) => `${JSON.stringify(n)} ${part}:${i}\n`)
          .join(''),
      );
      return file;
    });
    const key = (line: string) => JSON.parse(line.slice(0, line.lastIndexOf(' '))) as string;
    const lines = [0, 1].flatMap((part) =>
      readFileSync(inputs[part]!, 'utf8')
        .split(/(?<=\n)/)
        .filter(Boolean),
    );
    const expected = [...lines].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    expect(await sortLines(inputs, join(dir, 'out'), key, never)).toBe(names.length);
    expect(readFileSync(join(dir, 'out'), 'utf8')).toBe(expected.join(''));
    expect(readdirSync(dir).sort()).toEqual(['in0', 'in1', 'out']);
  });

  it("orders keys for GNU sort's bytes as JavaScript orders the names, on random names", () => {
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const units = [
      0x09, 0x0a, 0x1f, 0x20, 0x41, 0x7e, 0x7f, 0x80, 0xe9, 0x7ff, 0x800, 0xd7ff, 0xd83d, 0xde00, 0xe000,
      0xfffd, 0xffff,
    ];
    const names = Array.from({ length: 3000 }, () =>
      String.fromCharCode(
        ...Array.from(
          { length: 1 + Math.floor(random() * 4) },
          () => units[Math.floor(random() * units.length)]!,
        ),
      ),
    );
    const js = [...names].sort();
    const bytes = [...names].sort((a, b) =>
      Buffer.compare(Buffer.from(orderKey(a)), Buffer.from(orderKey(b))),
    );
    expect(bytes).toEqual(js);
    for (const name of names)
      for (const char of orderKey(name))
        expect(char === '\x01' || (char >= ' ' && char <= '\x7f')).toBe(true);
  });

  it('walks a tree in the order of its whole paths: "a.b" before "a/x", "a/x" before "a0"', () => {
    const root = tempDir('walk');
    for (const name of ['a/x', 'a.b', 'a0', 'a/y/z', 'a/y.txt', 'b', 'A', 'é']) {
      mkdirSync(join(root, name, '..'), { recursive: true });
      writeFileSync(join(root, name), name);
    }
    mkdirSync(join(root, 'empty'));
    const walked = [...sortedFiles(root, { count: 0 })];
    expect(walked).toEqual([...walked].sort());
    expect(walked).toEqual(['A', 'a.b', 'a/x', 'a/y.txt', 'a/y/z', 'a0', 'b', 'é']);
  });
});

describe('the manifest of a new snapshot', () => {
  const files = { 'cur/a': 'a', 'cur/b': 'b', 'new/c': 'c' };

  it("takes the unlisted files from the base when rsync's count says they are all there", async () => {
    const { root, listing } = snapshot(files, ['new/c']);
    // The base's digests are taken as they are (not hashed again): a made-up one shows it.
    const base = manifest({ 'cur/a': older, 'cur/b': md5('b') });
    expect(await made(root, listing(), [base], { regularFiles: 3, complete: true })).toEqual({
      text: `${older}  cur/a\n${md5('b')}  cur/b\n${md5('c')}  new/c\n`,
      files: 3,
      hashed: 0,
      from: 'listing',
      unnamed: { count: 0 },
    });
  });

  it("puts rsync's files into the base's lines where they sort, also from a base out of order", async () => {
    const tree = { '0': '0', 'a/1': '1', 'a/2': '2', 'a/3': '3', 'b/1': '4', 'b/2': '5', c: '6' };
    const { root, listing } = snapshot(tree, ['c', 'a/2', '0', 'b/1', 'a/3']);
    const sums = Object.fromEntries(Object.entries(tree).map(([name, body]) => [name, md5(body)]));
    const expected = Object.entries(sums)
      .map(([name, sum]) => `${sum}  ${name}\n`)
      .join('');
    const sorted = manifest({ 'a/1': sums['a/1']!, 'a/2': older, 'b/2': sums['b/2']! });
    const spliced = await made(root, listing(), [sorted], { regularFiles: 7, complete: true });
    expect(spliced).toEqual({ text: expected, files: 7, hashed: 0, from: 'listing', unnamed: { count: 0 } });
    const unsorted = manifest({ 'b/2': sums['b/2']!, 'a/1': sums['a/1']!, 'a/2': older });
    expect(await made(root, listing(), [unsorted], { regularFiles: 7, complete: true })).toEqual(spliced);
  });

  it('leaves out the lines of base files that are gone, found by a walk of the snapshot', async () => {
    const tree = { a: 'a', b: 'b', d: 'd', f: 'f' };
    const { root, listing } = snapshot(tree, ['b', 'f']);
    // c and e were deleted since the base; b and f are new, b where c was and f after e.
    const base = manifest({ a: md5('a'), c: older, d: md5('d'), e: older });
    expect(await made(root, listing(), [base], { regularFiles: 4, complete: true })).toEqual({
      text: ['a', 'b', 'd', 'f'].map((name) => `${md5(name)}  ${name}\n`).join(''),
      files: 4,
      hashed: 0,
      from: 'walk',
      unnamed: { count: 0 },
    });
  });

  it('hashes a linked file whose two bases disagree, or whose base has no manifest', async () => {
    const { root, listing } = snapshot(files, ['new/c']);
    const newerBase = manifest({ 'cur/a': older, 'cur/b': newer });
    const olderBase = manifest({ 'cur/a': older, 'cur/b': older });
    const disagree = await made(root, listing(), [newerBase, olderBase], { regularFiles: 3, complete: true });
    expect(disagree.text).toBe(`${older}  cur/a\n${md5('b')}  cur/b\n${md5('c')}  new/c\n`);
    expect(disagree.hashed).toBe(1);
    const unknown = await made(root, listing(), [newerBase, undefined], { regularFiles: 3, complete: true });
    expect(unknown).toMatchObject({ hashed: 2, from: 'walk' });
    expect(unknown.text).toBe(`${md5('a')}  cur/a\n${md5('b')}  cur/b\n${md5('c')}  new/c\n`);
  });

  it('hashes a listed file rsync gave no digest for', async () => {
    const { root, take, listing } = snapshot(files, []);
    take(`>f..t...... ${blank} new/c`);
    const base = manifest({ 'cur/a': older, 'cur/b': older });
    const sums = await made(root, listing(), [base], { regularFiles: 3, complete: true });
    expect(sums).toMatchObject({ hashed: 1, from: 'listing' });
    expect(sums.text).toBe(`${older}  cur/a\n${older}  cur/b\n${md5('c')}  new/c\n`);
  });

  it('walks the tree when a base file is gone, a file vanished or a name could not be read back', async () => {
    const { root, take, listing } = snapshot(files, ['new/c']);
    const base = manifest({ 'cur/a': older, 'cur/b': older, 'cur/deleted': older });
    const expected = `${older}  cur/a\n${older}  cur/b\n${md5('c')}  new/c\n`;
    const deleted = await made(root, listing(), [base], { regularFiles: 3, complete: true });
    expect(deleted).toEqual({ text: expected, files: 3, hashed: 0, from: 'walk', unnamed: { count: 0 } });
    const vanished = await made(root, listing(), [base], { regularFiles: 4, complete: false });
    expect(vanished).toEqual({ text: expected, files: 3, hashed: 0, from: 'walk', unnamed: { count: 0 } });
    // The name left out may be one the base knows with an older digest: nothing unlisted is trusted.
    take(`>f+++++++++ ${digest} cur/\\#377`);
    const escaped = await made(root, listing(), [base], { regularFiles: 3, complete: true });
    expect(escaped).toMatchObject({ hashed: 2, from: 'walk' });
    expect(escaped.text).toBe(`${md5('a')}  cur/a\n${md5('b')}  cur/b\n${md5('c')}  new/c\n`);
  });
});

describe('a tree checked against its manifest', () => {
  it('names changed, missing and unexpected files, streamed or, for a manifest out of order, by maps', async () => {
    const { root } = snapshot({ 'a/1': '1', 'a/2': 'two', 'a.b': 'x', c: 'c' }, []);
    const lines = { 'a.b': md5('x'), 'a/1': md5('1'), 'a/2': md5('2'), 'a/gone': md5('g'), c: md5('c') };
    const sorted = manifest(lines);
    const expected = {
      status: 'fail',
      details: { kind: 'manifest-check', files: 5, changed: ['a/2'], missing: ['a/gone'], extra: [] },
    };
    expect(await manifestCheck(sorted, root)).toMatchObject(expected);
    writeFileSync(join(root, 'new'), 'new');
    const withExtra = { ...expected, details: { ...expected.details, extra: ['new'] } };
    expect(await manifestCheck(sorted, root)).toMatchObject(withExtra);
    const [first, ...rest] = Object.entries(lines);
    expect(await manifestCheck(manifest(Object.fromEntries([...rest, first!])), root)).toMatchObject(
      withExtra,
    );
    expect(await manifestCheck(join(root, 'no-such.md5'), root)).toMatchObject({ status: 'error' });
  });
});
