import { Command } from 'commander';
import type { CommandSpec } from '../../cli/command-spec.js';
import { addGlobalOptions } from '../../cli/global-options.js';

/** What completes where: per command path ("" for the top, "backup-rsync list"), its words; per flag, its choices. */
export interface Words {
  paths: Map<string, string[]>;
  choices: Map<string, readonly string[]>;
}

export function completionWords(specs: readonly CommandSpec[]): Words {
  const program = new Command();
  addGlobalOptions(program);
  const globals = program.options.flatMap((o) => (o.long ? [o.long] : []));
  const choices = new Map<string, readonly string[]>(
    program.options.filter((o) => o.long && o.argChoices).map((o) => [o.long ?? '', o.argChoices ?? []]),
  );
  const paths = new Map<string, string[]>([
    ['', [...specs.map((s) => s.name), ...globals, '--help', '--version']],
  ]);
  const visit = (spec: CommandSpec, path: string) => {
    const flags = spec.options.map((o) => `--${o.name}`);
    for (const o of spec.options)
      if (Array.isArray(o.kind)) choices.set(`--${o.name}`, o.kind as readonly string[]);
    paths.set(path, [...(spec.subcommands ?? []).map((s) => s.name), ...flags, ...globals, '--help']);
    for (const sub of spec.subcommands ?? []) visit(sub, `${path} ${sub.name}`);
  };
  for (const spec of specs) visit(spec, spec.name);
  return { paths, choices };
}
