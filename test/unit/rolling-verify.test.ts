import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifestLine } from '../../src/commands/backup-rsync/manifest-stream.js';
import { rollingRun } from '../../src/commands/backup-rsync/rolling-verify.js';
import type { Snapshot, SourceRecord } from '../../src/commands/backup-rsync/store.js';
import { freshState } from '../../src/commands/backup-rsync/verify-state.js';
import { tempDir } from '../helpers/scratch.js';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const NOW = new Date('2026-12-02T10:00:00.000Z');

/**
 * A complete snapshot written by hand (no rsync): source `mail` with `files` messages and its
 * manifest, in the order given (sorted unless a test says otherwise).
 */
function snapshot(files: number, order: (names: string[]) => string[] = (n) => n): Snapshot {
  const dir = join(tempDir('verify'), '2026-49');
  const names = Array.from({ length: files }, (_, i) => `cur/m${String(i).padStart(5, '0')}`);
  mkdirSync(join(dir, 'mail', 'cur'), { recursive: true });
  mkdirSync(join(dir, '.mailops'));
  for (const name of names) writeFileSync(join(dir, 'mail', name), name);
  writeFileSync(
    join(dir, '.mailops', 'mail.md5'),
    order(names)
      .map((name) => `${md5(name)}  ${name}\n`)
      .join(''),
  );
  const source = { name: 'mail', path: '/src', checksums: '.mailops/mail.md5' } as SourceRecord;
  const manifest = {
    id: '2026-49',
    period: 'week' as const,
    startedAt: '',
    completedAt: '',
    sources: [source],
  };
  writeFileSync(join(dir, '.mailops-snapshot.json'), JSON.stringify(manifest));
  return { id: '2026-49', dir, start: 0, manifest };
}

const live = () => new AbortController().signal;

describe('rolling verification, one run', () => {
  it('stops at the deadline or a signal between two files, and keeps its place for the next run', async () => {
    const snap = snapshot(2500);
    const stop = new AbortController();
    // Progress comes every 1000 files: stopping there makes the place it stops certain.
    const first = await rollingRun(
      snap,
      freshState(snap.id, NOW),
      { sample: 100, signal: stop.signal, progress: () => stop.abort(new Error('interrupted by SIGTERM')) },
      () => NOW,
    );
    expect(first).toMatchObject({ stoppedBy: 'signal', completed: false, files: 2500, position: 1000 });
    expect(first.state.cursor).toEqual({ source: 'mail', path: 'cur/m00999' });
    const second = await rollingRun(snap, first.state, { sample: 100, signal: live() }, () => NOW);
    expect(second.sources[0]).toMatchObject({ checked: 1500, first: 'cur/m01000', last: 'cur/m02499' });
    expect(second.completed).toBe(true);
    expect(second.state.lastFullCycleAt).toBe(NOW.toISOString());
  });

  it('reads nothing and keeps the state when stopped before it starts', async () => {
    const snap = snapshot(3);
    const state = {
      ...freshState(snap.id, NOW),
      cursor: { source: 'mail', path: 'cur/m00000' },
      mismatched: [{ source: 'mail', path: 'cur/m00002', problem: 'changed' as const }],
    };
    const run = await rollingRun(snap, state, { sample: 50, signal: AbortSignal.abort() }, () => NOW);
    expect(run).toMatchObject({ stoppedBy: 'signal', counted: false, completed: false });
    expect(run.sources[0]?.checked).toBe(0);
    expect(run.state.cursor).toEqual(state.cursor);
    // Not read again, so still a mismatch as far as anyone knows.
    expect(run.state.mismatched).toEqual(state.mismatched);
    expect(run.sources[0]?.mismatches).toBe(1);
  });

  it('stops, without a false mismatch, when a backup replaces the snapshot under it', async () => {
    const snap = snapshot(1500);
    const run = await rollingRun(
      snap,
      freshState(snap.id, NOW),
      {
        sample: 100,
        signal: live(),
        progress: () => {
          // What a re-run does: a new snapshot renamed in; here only its marker is new, and a file gone.
          writeFileSync(join(snap.dir, 'marker.new'), '{}');
          renameSync(join(snap.dir, 'marker.new'), join(snap.dir, '.mailops-snapshot.json'));
          rmSync(join(snap.dir, 'mail', 'cur', 'm01200'));
        },
      },
      () => NOW,
    );
    expect(run).toMatchObject({ stoppedBy: 'replaced', completed: false });
    expect(run.sources[0]).toMatchObject({ checked: 1200, last: 'cur/m01199', mismatches: 0 });
    expect(run.state.cursor).toEqual({ source: 'mail', path: 'cur/m01199' });
  });

  it('will not go by a manifest out of order, and a cycle with such a hole is not a full one', async () => {
    const snap = snapshot(4, (names) => [...names].reverse());
    const run = await rollingRun(snap, freshState(snap.id, NOW), { sample: 100, signal: live() }, () => NOW);
    expect(run.sources[0]?.error).toMatch(
      /expected lines sorted by path, got "cur\/m00002" after "cur\/m00003"$/,
    );
    expect(run.completed).toBe(true);
    expect(run.state.lastFullCycleAt).toBeUndefined();
  });
});

describe('manifest lines as md5sum and sha256sum write them', () => {
  it.each([
    [`${'a'.repeat(32)}  cur/m1`, { path: 'cur/m1', digest: 'a'.repeat(32) }],
    [`${'b'.repeat(64)}  dir with  spaces/m`, { path: 'dir with  spaces/m', digest: 'b'.repeat(64) }],
    [`\\${'c'.repeat(32)}  new\\nline\\\\back`, { path: 'new\nline\\back', digest: 'c'.repeat(32) }],
    [`${'d'.repeat(31)}  short digest`, undefined],
    [`\\${'e'.repeat(32)}  bad\\escape`, undefined],
    ['', undefined],
  ])('%j', (line, entry) => {
    expect(parseManifestLine(line)).toEqual(entry);
  });
});
