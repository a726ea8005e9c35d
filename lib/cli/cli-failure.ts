import { ExitCode } from './exit-code';

/**
 * What ends an `acton` command unsuccessfully: printed to stderr as `error: <message>` followed
 * by one `hint: ...` line per hint, then the process exits with `exitCode`.
 */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';

  /**
   * @param exitCode the process exit status (see `ExitCode`)
   * @param message what was wrong (for server errors: `<CODE>: <server text>`)
   * @param hints what to do about it, one per hint (a hint may span lines, e.g. a JSON Schema)
   */
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly hints: readonly string[] = [],
  ) {
    super(message);
  }
}

/**
 * Ends an `acton` command with `exitCode` and nothing more to print: what happened was already
 * shown (e.g. the output of a child `acton` run it delegated to).
 */
export class CliExit extends Error {
  override readonly name = 'CliExit';

  /** @param exitCode the process exit status */
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}
