import { Cursor, Unsorted } from './manifest-cursor.js';

/** How a source's new snapshot differs from its base, file by file. */
export interface Churn {
  baseFiles: number;
  /** Files of the base that are gone. */
  deleted: number;
  /** Files of both whose content differs. */
  changed: number;
  added: number;
}

/**
 * The new manifest against the base's, a merge join of the two sorted files, one line of each in
 * memory. Undefined when the base's is out of order (a hand-edited file): nothing is claimed then.
 */
export function manifestChurn(base: string, next: string): Churn | undefined {
  const churn: Churn = { baseFiles: 0, deleted: 0, changed: 0, added: 0 };
  try {
    const [before, after] = [new Cursor(base), new Cursor(next)];
    while (before.head || after.head) {
      const b = before.head;
      const a = after.head;
      if (b && (!a || b.name < a.name)) {
        churn.baseFiles++;
        churn.deleted++;
        before.next();
      } else if (a && (!b || a.name < b.name)) {
        churn.added++;
        after.next();
      } else {
        churn.baseFiles++;
        if (a!.digest !== b!.digest) churn.changed++;
        before.next();
        after.next();
      }
    }
  } catch (error) {
    if (error instanceof Unsorted) return undefined;
    throw error;
  }
  return churn;
}

/** Deleted and changed files as a share of the base: what an emptied or encrypted source shows. */
export const changedRatio = (churn: Churn) =>
  churn.baseFiles ? (churn.deleted + churn.changed) / churn.baseFiles : 0;
