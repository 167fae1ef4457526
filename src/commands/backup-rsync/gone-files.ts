import { lstat, readdir } from 'node:fs/promises';
import { byPath, dirOf, type ManifestText } from './manifest.js';

/** More candidates than this in one directory: read it again rather than look each up. */
const LOOKUPS_PER_DIR = 16;

/**
 * Which of a base's files are not in the new snapshot (deleted or renamed since), found by
 * reading each of the base's directories in the snapshot, names only. Most are read while rsync
 * still runs: once it has written a file in a directory that sorts after one, it has usually
 * finished that one. A name seen is never a mistake, as nothing takes a file out of a snapshot
 * being written, so the names not seen include every file gone, and rsync's count of regular
 * files tells whether they are exactly those; if not, each is looked up again. A path there as
 * something other than a regular file counts as found: the count catches that too.
 */
export class GoneFiles {
  #base: ManifestText | undefined;
  /** Per rsync run, the base's directories it copies, sorted; the last lane is read at the end. */
  #lanes: string[][] = [];
  #found = new Uint8Array(0);
  /** Per lane, the directories before this index are read or being read. */
  #next: number[] = [];
  #reads: Promise<void>[] = [];
  /** The directories read while rsync ran. */
  #early = new Set<string>();
  /** Per run, the furthest directory it has written a file in. */
  #reached: string[] = [];

  readonly root: string;
  readonly #runOf: (dir: string) => number | undefined;
  readonly #runs: number;

  /**
   * `base`: the base's manifest, as it arrives while rsync runs; only a sorted one is used.
   * `runOf`: which of `runs` rsyncs copies a directory (each goes through its own in order).
   */
  constructor(
    root: string,
    base: Promise<ManifestText | undefined>,
    runs = 1,
    runOf: (dir: string) => number | undefined = () => 0,
  ) {
    this.root = root;
    this.#runs = runs;
    this.#runOf = runOf;
    this.#reached = new Array<string>(runs).fill('');
    void base.then((manifest) => {
      if (!manifest?.sorted) return;
      this.#adopt(manifest);
      for (let run = 0; run < runs; run++) this.#readUpTo(run, this.#reached[run]);
    });
  }

  #adopt(base: ManifestText): void {
    this.#base = base;
    this.#lanes = Array.from({ length: this.#runs + 1 }, () => []);
    for (const dir of base.dirs) this.#lanes[this.#runOf(dir) ?? this.#runs]!.push(dir);
    for (const lane of this.#lanes) lane.sort(byPath);
    this.#next = new Array<number>(this.#lanes.length).fill(0);
    this.#found = new Uint8Array(base.names.length);
  }

  /** Run `run` has written this path. */
  written = (path: string, run = 0): void => {
    const dir = dirOf(path);
    if (dir <= this.#reached[run]!) return;
    this.#reached[run] = dir;
    if (this.#base) this.#readUpTo(run, dir);
  };

  /** Reads the lane's directories not yet read that sort before dir (all of them without one). */
  #readUpTo(lane: number, dir?: string): void {
    const dirs = this.#lanes[lane]!;
    while (this.#next[lane]! < dirs.length && (dir === undefined || dirs[this.#next[lane]!]! < dir))
      this.#reads.push(this.#read(dirs[this.#next[lane]!++]!));
  }

  async #read(dir: string): Promise<void> {
    const prefix = dir ? `${dir}/` : '';
    for (const name of await readdir(`${this.root}/${dir}`).catch(() => [])) {
      const i = this.#base!.index.get(prefix + name);
      if (i !== undefined) this.#found[i] = 1;
    }
  }

  /**
   * Once rsync has exited: the indexes of the base's lines whose files were not seen, less those
   * rsync listed (it wrote them). Every file gone is among them; so may be one rsync linked only
   * after its directory was read, and then they outnumber what rsync's count says is gone:
   * `confirmed` looks each up again.
   */
  async unseen(base: ManifestText, listed: Iterable<string>): Promise<number[]> {
    if (base !== this.#base) this.#adopt(base);
    await Promise.all(this.#reads);
    this.#early = new Set(this.#lanes.flatMap((dirs, lane) => dirs.slice(0, this.#next[lane])));
    this.#reads = [];
    for (let lane = 0; lane < this.#lanes.length; lane++) this.#readUpTo(lane);
    await Promise.all(this.#reads);
    for (const name of listed) {
      const i = base.index.get(name);
      if (i !== undefined) this.#found[i] = 1;
    }
    return this.#notFound();
  }

  /** After `unseen`: exactly the indexes of the base's lines whose files are not in the snapshot. */
  async confirmed(): Promise<number[]> {
    await this.#confirm(this.#early);
    return this.#notFound();
  }

  #notFound(): number[] {
    const gone: number[] = [];
    for (let i = 0; i < this.#found.length; i++) if (!this.#found[i]) gone.push(i);
    return gone;
  }

  /** Looks again for the files not seen in the directories read while rsync ran. */
  async #confirm(early: Set<string>): Promise<void> {
    const names = this.#base!.names;
    const unseen = new Map<string, number[]>();
    for (let i = 0; i < this.#found.length; i++) {
      if (this.#found[i]) continue;
      const dir = dirOf(names[i]!);
      if (!early.has(dir)) continue;
      const list = unseen.get(dir);
      if (list) list.push(i);
      else unseen.set(dir, [i]);
    }
    await Promise.all(
      [...unseen].map(async ([dir, indexes]) => {
        if (indexes.length > LOOKUPS_PER_DIR) return this.#read(dir);
        await Promise.all(
          indexes.map(async (i) => {
            if (await lstat(`${this.root}/${names[i]}`).catch(() => undefined)) this.#found[i] = 1;
          }),
        );
      }),
    );
  }
}
