import { CommanderError } from 'commander';
import { CliExit, CliFailure } from './cli-failure';
import { CliIo, PROCESS_IO } from './cli-io';
import { ExitCode } from './exit-code';
import { createProgram } from './program';

/**
 * Runs the `acton` command line and returns its exit status (see `ExitCode`). Never throws:
 * a `CliFailure` is printed as `error: ...` plus `hint: ...` lines on stderr (a hint's
 * further lines indented under it); commander's usage
 * errors (already printed by commander) give 2, its help/version output 0.
 * @param argv as `process.argv` (node, script, arguments...)
 */
export async function runCli(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<ExitCode> {
  try {
    await createProgram(io).parseAsync([...argv]);
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    if (error instanceof CliExit) return error.exitCode as ExitCode;
    if (error instanceof CliFailure) {
      io.err(`error: ${error.message}`);
      for (const hint of error.hints) io.err(`hint: ${hint.replace(/\n/g, '\n      ')}`);
      return error.exitCode;
    }
    io.err(`error: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return ExitCode.REQUEST_ERROR;
  }
}
