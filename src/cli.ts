import { Command, CommanderError } from 'commander';
import { addGlobalOptions } from './cli/global-options.js';
import type { CommandSpec } from './cli/command-spec.js';
import { addOptions } from './cli/option-defs.js';
import type { CliIo } from './cli/run-command.js';
import { commandSpecs } from './commands/index.js';
import { ExitCode, MailopsError } from './errors.js';
import { redact } from './output/redact.js';

// Set by the build (scripts/build.ts) and by vitest.config.ts.
declare const MAILOPS_VERSION: string;

/** One line on stderr for every error the operator can act on, prefixed so CronJob logs show who said it. */
function reportError(io: CliIo, error: unknown, verbose: boolean): number {
  if (error instanceof MailopsError) {
    for (const line of error.message.split('\n')) io.stderr.write(`mailops: ${redact(line)}\n`);
    return error.exitCode;
  }
  const err = error instanceof Error ? error : new Error(String(error));
  io.stderr.write(`mailops: internal error: ${redact(err.message)}\n`);
  if (verbose && err.stack) io.stderr.write(`${redact(err.stack)}\n`);
  return ExitCode.incomplete;
}

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('mailops')
    .description('Ops checks for a self-hosted mail platform, as text or Prometheus metrics.')
    .version(MAILOPS_VERSION, '-V, --version')
    .exitOverride()
    // No sortSubcommands: its localeCompare loads ICU collation, about 9 ms of every start (commandSpecs is kept sorted).
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) =>
        write(`mailops: ${text.replace(/^error: /, '').replace(/\n(?!$)/g, ' ')}`),
    });
  addGlobalOptions(program);
  program.addHelpText(
    'after',
    '\nExit codes: 0 passed, 1 a check failed, 2 invalid usage or config, 3 could not complete, 4 metrics push failed.',
  );
  // Options and subcommands are declared only for the command about to run (or show its help):
  // `mailops --help` needs names and summaries, and every declared option costs start-up time.
  const specs = new Map<Command, CommandSpec>();
  const declare = (_parent: Command, command: Command) => {
    const spec = specs.get(command);
    if (!spec || command.options.length > 0) return;
    addOptions(command, spec.options);
    for (const sub of spec.subcommands ?? []) register(command, sub);
    command.hook('preSubcommand', declare);
  };
  const register = (parent: Command, spec: CommandSpec) => {
    const command = parent.command(spec.name).summary(spec.summary).description(spec.summary);
    specs.set(command, spec);
    for (const arg of spec.args ?? [])
      command.argument(arg.variadic ? `[${arg.name}...]` : `<${arg.name}>`, arg.description);
    command.action(async (...received: unknown[]) => {
      const cmd = received.at(-1) as Command;
      // The run path (YAML, schemas, undici, renderers) loads only when a command runs, not for --help.
      const { runCommand } = await import('./cli/run-command.js');
      setExit(await runCommand(spec, cmd, program, io));
    });
  };
  for (const spec of commandSpecs) register(program, spec);
  program.hook('preSubcommand', declare);
  return program;
}

/** Runs the CLI and returns the exit code; never calls process.exit, so stdout drains. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = buildProgram(io, (code) => (exitCode = code));
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return ExitCode.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    return reportError(io, error, argv.includes('--verbose') || argv.includes('-v'));
  }
}
