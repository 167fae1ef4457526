import { linkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIN_FILES, type Partition, partition } from '../../src/commands/backup-rsync/partition.js';
import { tempDir } from '../helpers/scratch.js';

/** A tree of users under one domain, each with `sizes[i]` messages. */
function tree(sizes: number[]): string {
  const root = tempDir('tree');
  sizes.forEach((size, i) => {
    mkdirSync(join(root, 'example.org', `u${i}`, 'cur'), { recursive: true });
    for (let m = 0; m < size; m++) writeFileSync(join(root, 'example.org', `u${i}`, 'cur', `m${m}`), '');
  });
  return root;
}

const signal = () => AbortSignal.timeout(30_000);
/** The split, which the test expects there to be. */
async function split(root: string, runs: number): Promise<Partition> {
  const plan = await partition(root, runs, signal());
  if (typeof plan === 'string') throw new Error(`expected a split, got one rsync: ${plan}`);
  return plan;
}
const count = (part: string[], sizes: number[]) =>
  part.reduce((sum, unit) => sum + sizes[Number(/u(\d+)$/.exec(unit)![1])]!, 0);

describe('splitting a tree for rsyncs side by side', () => {
  it('takes the users below a single domain as units and balances the runs by their files', async () => {
    const sizes = [1200, 100, 150, 200, 250, 300, 350, 400, 50];
    const plan = await split(tree(sizes), 2);
    expect(plan.depth).toBe(2);
    const units = sizes.map((_, i) => `example.org/u${i}`).sort();
    expect(plan.parts.flat().sort()).toEqual(units);
    const [a, b] = plan.parts.map((part) => count(part, sizes));
    expect(Math.abs(a! - b!)).toBeLessThanOrEqual(100);
    // The last run: "." brings the domain, the units are named (not their contents).
    expect(plan.shallow).toEqual(units);
    expect(plan.runOf('example.org/u0/cur')).toBe(
      plan.parts.findIndex((part) => part.includes('example.org/u0')),
    );
    expect(plan.runOf('example.org')).toBeUndefined();
  });

  it('keeps users whose files are hard-linked to each other in one run', async () => {
    const sizes = Array.from({ length: 8 }, () => 300);
    const root = tree(sizes);
    const user = (i: number) => join(root, 'example.org', `u${i}`, 'cur');
    linkSync(join(user(0), 'm0'), join(user(5), 'linked'));
    linkSync(join(user(5), 'm1'), join(user(7), 'linked'));
    const plan = await split(root, 4);
    const holding = (unit: string) => plan.parts.findIndex((part) => part.includes(`example.org/${unit}`));
    expect(holding('u0')).toBe(holding('u5'));
    expect(holding('u5')).toBe(holding('u7'));
    expect(plan.parts.length).toBeGreaterThanOrEqual(2);
  });

  it('leaves a small tree, one unit or a link to the top level to a single rsync', async () => {
    expect(await partition(tree([10, 10, 10]), 2, signal())).toBe(`fewer than ${MIN_FILES} files`);
    expect(MIN_FILES).toBeGreaterThan(30);
    expect(await partition(tree([MIN_FILES]), 2, signal())).toBe('fewer than two directories to share out');
    const root = tree([1500, 1500]);
    linkSync(join(root, 'example.org', 'u1', 'cur', 'm0'), join(root, 'example.org', 'pinned'));
    expect(await partition(root, 2, signal())).toBe('a file in the units is hard-linked to one above them');
    expect(await partition(tree([1500, 1500]), 1, signal())).toBe('--parallel 1');
  });
});
