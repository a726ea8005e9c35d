import { resolve } from 'node:path';
import { Command } from 'commander';
import { CliFailure } from '../cli-failure';
import { ExitCode } from '../exit-code';
import { runSchematic } from '../schematics-runner';
import { outputOf } from './command-output';
import { SchematicCommandSettings } from './schematic-command-settings';

/**
 * Registers `new <name> [options]` on `program`: creates the project folder `<name>` (the
 * `application` schematic: package.json, tsconfig, jest, src/main.ts, AppModule with
 * IpcModule, a greeter actor with its spec), prints each CREATE line, runs `npm install` in it
 * (unless `--skip-install`), then prints the next commands.
 *
 *     acton new demo [--directory apps/demo] [--skip-install] [--package-manager pnpm] [--acton-path ../acton-ts] [--dry-run]
 *
 * `--acton-path` makes the project depend on a local acton-ts checkout (`file:`; resolved
 * against the current folder). Failures (invalid name, existing project) throw a `CliFailure` (exit
 * code 2, usage error) saying what to do, which `runCli` prints as `error: <message>`.
 * @returns the `new` command
 */
export function registerNewCommand(program: Command, settings: SchematicCommandSettings = {}): Command {
  return program
    .command('new')
    .description('Create a new acton-ts project')
    .argument('<name>', 'project name: package name and IPC app name (e.g. demo)')
    .option('--directory <dir>', 'folder to create the project in (default: the name)')
    .option('--skip-install', 'do not install dependencies')
    .option('--package-manager <name>', 'npm (default), yarn, pnpm or bun')
    .option('--acton-path <path>', 'depend on the acton-ts package at this path (file:) instead of the registry version')
    .option('-d, --dry-run', 'report the files without writing them')
    .action(async (name: string, opts: NewCommandOptions, command: Command) => {
      const cwd = settings.cwd ?? process.cwd();
      const output = outputOf(command);
      try {
        const options = {
          name,
          ...(opts.directory ? { directory: opts.directory } : {}),
          ...(opts.packageManager ? { packageManager: opts.packageManager } : {}),
          ...(opts.actonPath ? { actonPath: resolve(cwd, opts.actonPath) } : {}),
          skipInstall: opts.skipInstall === true,
        };
        await runSchematic({ schematic: 'application', options, dryRun: opts.dryRun === true, root: cwd, collection: settings.collection, ...output });
        if (opts.dryRun !== true) output.write(nextSteps(opts.directory ?? name, opts.skipInstall === true));
      } catch (err) {
        throw new CliFailure(ExitCode.USAGE, (err as Error).message);
      }
    });
}

/** What `acton new` parsed. */
interface NewCommandOptions {
  readonly directory?: string;
  readonly skipInstall?: boolean;
  readonly packageManager?: string;
  readonly actonPath?: string;
  readonly dryRun?: boolean;
}

function nextSteps(directory: string, skipInstall: boolean): string {
  const lines = ['', 'Next:', `  cd ${directory}`];
  if (skipInstall) lines.push('  npm install');
  lines.push('  npm start    # build, then serve the actors on a Unix socket', '  npm test     # run the specs', '');
  return lines.join('\n');
}
