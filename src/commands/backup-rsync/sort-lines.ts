import { rmSync } from 'node:fs';
import { LineReader, LineWriter, readLines } from './line-file.js';

/** Lines sorted in memory at once: about 100 bytes each, some 5 MB, 40 runs for two million. */
const RUN_LINES = 50_000;

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * The lines of `inputs` sorted by `key` into `output`, in bounded memory: runs of RUN_LINES
 * sorted in memory and written beside the output, then merged a line of each at a time. Equal
 * keys keep input order.
 */
export function sortLines(
  inputs: readonly string[],
  output: string,
  key: (line: string) => string,
  runLines = RUN_LINES,
): number {
  const runs: string[] = [];
  let batch: { key: string; line: string }[] = [];
  let lines = 0;
  const spill = (path: string) => {
    const writer = new LineWriter(path);
    for (const { line } of batch.sort(byKey)) writer.write(line);
    writer.close();
    batch = [];
  };
  for (const input of inputs)
    for (const line of readLines(input)) {
      batch.push({ key: key(line), line });
      lines++;
      if (batch.length >= runLines) {
        runs.push(`${output}.run${runs.length}`);
        spill(runs.at(-1)!);
      }
    }
  if (runs.length === 0) {
    spill(output);
    return lines;
  }
  if (batch.length) {
    runs.push(`${output}.run${runs.length}`);
    spill(runs.at(-1)!);
  }
  merge(runs, output, key);
  for (const run of runs) rmSync(run, { force: true });
  return lines;
}

function merge(runs: readonly string[], output: string, key: (line: string) => string): void {
  const sources = runs.map((run) => new LineReader(run));
  const head = (source: LineReader) => {
    const line = source.next();
    return line === undefined ? undefined : { key: key(line), line };
  };
  const heads = sources.map(head);
  const writer = new LineWriter(output);
  for (;;) {
    // A few runs (20 for two million lines): a scan for the least beats a heap's bookkeeping.
    let least = -1;
    for (let i = 0; i < heads.length; i++)
      if (heads[i] && (least < 0 || heads[i]!.key < heads[least]!.key)) least = i;
    if (least < 0) break;
    writer.write(heads[least]!.line);
    heads[least] = head(sources[least]!);
  }
  writer.close();
}
