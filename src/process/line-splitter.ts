import { StringDecoder } from 'node:string_decoder';

/**
 * A program's output chunks cut into lines as they arrive: a line (or a UTF-8 sequence) cut
 * between two chunks is joined first. `end` gives the last line when it has no separator.
 */
export function lineSplitter(
  onLine: (line: string) => void,
  separator: RegExp | string = '\n',
): { push: (chunk: Buffer) => void; end: () => void } {
  let partial = '';
  const decoder = new StringDecoder('utf8');
  return {
    push: (chunk) => {
      const pieces = (partial + decoder.write(chunk)).split(separator);
      partial = pieces.pop() ?? '';
      for (const piece of pieces) onLine(piece);
    },
    end: () => {
      const last = partial + decoder.end();
      partial = '';
      if (last) onLine(last);
    },
  };
}
