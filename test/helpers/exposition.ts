/** Reading the Prometheus text exposition format, as mailops prints it and the Pushgateway serves it. */

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \S+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export interface SampleLine {
  name: string;
  /** Label names and values as written (escaped), in order. */
  labels: [name: string, value: string][];
  value: number;
  line: string;
}

export interface ExposedFamily {
  name: string;
  help: string | undefined;
  type: string | undefined;
  samples: SampleLine[];
}

export function parseSample(line: string): SampleLine | undefined {
  const match = SAMPLE.exec(line);
  if (!match) return undefined;
  const labels = [...(match[2] ?? '').matchAll(LABEL)].map(
    ([, name, value]) => [name!, value!] as [string, string],
  );
  return { name: match[1]!, labels, value: Number(match[3]), line };
}

/** The families of an exposition in order, each with its HELP, TYPE and samples. */
export function parseExposition(text: string): ExposedFamily[] {
  const byName = new Map<string, ExposedFamily>();
  const of = (name: string) => {
    const seen = byName.get(name);
    if (seen) return seen;
    const made: ExposedFamily = { name, help: undefined, type: undefined, samples: [] };
    byName.set(name, made);
    return made;
  };
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'HELP') of(meta[2]!).help = meta[3];
      else of(meta[2]!).type = meta[3];
      continue;
    }
    const sample = parseSample(line);
    if (sample) of(sample.name).samples.push(sample);
  }
  return [...byName.values()];
}

/** Families back as exposition text: HELP, TYPE, then their samples as they were written. */
export function formatExposition(families: readonly ExposedFamily[]): string {
  return families
    .flatMap((f) => [
      ...(f.help === undefined ? [] : [`# HELP ${f.name} ${f.help}`]),
      ...(f.type === undefined ? [] : [`# TYPE ${f.name} ${f.type}`]),
      ...f.samples.map((s) => s.line),
    ])
    .map((line) => `${line}\n`)
    .join('');
}
