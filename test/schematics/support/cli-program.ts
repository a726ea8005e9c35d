import { Command, CommanderError } from 'commander';
import { CliFailure } from '../../../lib/cli/cli-failure';
import { registerGenerateCommand } from '../../../lib/cli/commands/generate.command';
import { registerNewCommand } from '../../../lib/cli/commands/new.command';
import { sourceCollectionPath } from './source-collection';

/** A commander program with `generate` and `new` registered, working in `cwd`, capturing its output. */
export interface TestCli {
  /** Runs `acton <args...>`; resolves with the exit code, reporting failures as `runCli` does. */
  run(...args: string[]): Promise<number>;
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
}

/** An `acton` program for tests (the real bin is lib/cli/main.ts, wired by the CLI). */
export function testCli(cwd: string): TestCli {
  let out = '';
  let err = '';
  const collection = sourceCollectionPath();
  return {
    async run(...args) {
      const program = new Command('acton')
        .exitOverride()
        .configureOutput({ writeOut: (s) => void (out += s), writeErr: (s) => void (err += s) });
      registerGenerateCommand(program, { collection, cwd });
      registerNewCommand(program, { collection, cwd });
      try {
        await program.parseAsync(args, { from: 'user' });
        return 0;
      } catch (e) {
        if (e instanceof CommanderError) return e.exitCode;
        if (!(e instanceof CliFailure)) throw e;
        err += `error: ${e.message}\n${e.hints.map((hint) => `hint: ${hint}\n`).join('')}`;
        return e.exitCode;
      }
    },
    out: () => out,
    err: () => err,
  };
}
