import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { progressBar, slowest } from '../../src/checks/rsync.js';
import { parseRsyncStats } from '../../src/checks/rsync-stats.js';
import { FIXTURES } from '../helpers/fixtures.js';

const fixture = (name: string) => readFileSync(join(FIXTURES, 'rsync', name), 'utf8');

describe('rsync --stats parser (output of rsync 3.x, LC_ALL=C --no-h)', () => {
  it('reads a first full run', () => {
    expect(parseRsyncStats(fixture('stats-first-run.txt'))).toMatchObject({
      files: 52,
      createdFiles: 51,
      regularFilesTransferred: 50,
      totalFileSize: 127_500,
    });
  });

  it('reads a --link-dest run: one changed file transferred, the rest linked', () => {
    expect(parseRsyncStats(fixture('stats-link-dest.txt'))).toEqual({
      files: 51,
      regularFiles: 49,
      regularFilesTransferred: 1,
      createdFiles: 0,
      deletedFiles: 0,
      totalFileSize: 127_302,
      transferredFileSize: 102,
      literalData: 102,
      bytesSent: 895,
      bytesReceived: 44,
    });
  });

  it('refuses truncated output rather than reporting zero bytes', () => {
    expect(parseRsyncStats('Number of files: 51 (reg: 49, dir: 2)\n')).toBeUndefined();
  });
});

describe('rsync progress bar', () => {
  it('draws --info=progress2 lines as a bar', () => {
    expect(progressBar('     52,953,088  45%   50.35MB/s    0:00:01 (xfr#12, to-chk=88/101)', 10)).toBe(
      '[#####-----] 45% 50.35MB/s 0:00:01',
    );
  });

  it('passes other lines through', () => {
    expect(progressBar('sending incremental file list')).toBe('sending incremental file list');
  });

  it('follows the run furthest behind when several rsyncs copy side by side', () => {
    const line = (percent: number) => `  1,000  ${percent}%  1.00MB/s  0:00:01 (xfr#1, to-chk=1/2)`;
    expect(slowest([line(80), undefined, line(35), line(60)])).toBe(line(35));
    expect(slowest([undefined, line(5)])).toBe(line(5));
    expect(slowest([])).toBe('');
  });
});
