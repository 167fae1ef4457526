import { type Algorithm, hashFile } from './manifest.js';
import { Cursor } from './manifest-cursor.js';
import { sortedFiles } from './sorted-walk.js';

export interface TreeDifferences {
  /** The manifest's files. */
  files: number;
  changed: string[];
  missing: string[];
  extra: string[];
}

/**
 * A whole tree against a manifest, both in manifest order, one line and one directory in memory
 * at a time: a snapshot of millions of files is verified or restored without holding its list.
 * Throws Unsorted (manifest-cursor.ts) for a manifest out of order; the caller compares by maps.
 */
export async function compareTree(
  manifest: string,
  tree: string,
  algorithm: Algorithm,
): Promise<TreeDifferences> {
  const expected = new Cursor(manifest);
  const found: TreeDifferences = { files: 0, changed: [], missing: [], extra: [] };
  const passed = () => {
    found.files++;
    expected.next();
  };
  for (const name of sortedFiles(tree, { count: 0 })) {
    while (expected.head && expected.head.name < name) {
      found.missing.push(expected.head.name);
      passed();
    }
    const entry = expected.head?.name === name ? expected.head : undefined;
    if (!entry) {
      found.extra.push(name);
      continue;
    }
    const digest = entry.digest;
    passed();
    if ((await hashFile(`${tree}/${name}`, algorithm)) !== digest) found.changed.push(name);
  }
  while (expected.head) {
    found.missing.push(expected.head.name);
    passed();
  }
  return found;
}
