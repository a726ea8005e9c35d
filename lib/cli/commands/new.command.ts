import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { CliExit, CliFailure } from '../cli-failure';
import { ExitCode } from '../exit-code';
import { packageVersion } from '../package-version';
import { loadSchematicsRunner, rerunWithProvisionedPeers, runInherited } from '../schematics-devkit';
import { outputOf } from './command-output';
import { SchematicCommandSettings } from './schematic-command-settings';

/** How long `acton new` waits for the registry to say whether acton-ts is published, ms. */
const REGISTRY_CHECK_TIMEOUT_MS = 20_000;

/**
 * Registers `new <name> [options]` on `program`: creates the project folder `<name>` (the
 * `application` schematic: package.json, tsconfig, jest, src/main.ts, AppModule with
 * IpcModule, a greeter actor with its spec), prints each CREATE line, runs `npm install` in it
 * (unless `--skip-install`), then prints the next commands.
 *
 *     acton new demo [--directory apps/demo] [--skip-install] [--package-manager pnpm]
 *                    [--acton-path ../acton-ts] [--dry-run]
 *
 * `--acton-path` makes the project depend on a local acton-ts checkout or packed tarball
 * (`file:`; resolved against the current folder). Without it the project depends on the
 * registry's acton-ts, so `new` first asks the registry; when acton-ts is not published there it
 * writes nothing and says how to point at a checkout or tarball (exit 2). Other failures
 * (invalid name, existing project) are usage errors too (exit 2). A failed install leaves the
 * project, says so and what to run (exit 5). Started without the devkit (`npx acton-ts new`), it
 * installs it once into a cache folder and runs again (see `rerunWithProvisionedPeers`).
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
    .option(
      '--acton-path <path>',
      'depend on the acton-ts checkout or .tgz at this path (file:) instead of the registry version',
    )
    .option('-d, --dry-run', 'report the files without writing them')
    .action(async (name: string, opts: NewCommandOptions, command: Command) => {
      const cwd = settings.cwd ?? process.cwd();
      const output = outputOf(command);
      const rerun = await rerunWithProvisionedPeers(process.argv, (line) => output.writeErr(`${line}\n`));
      if (rerun !== undefined) throw new CliExit(rerun);
      const actonPath = opts.actonPath ? resolve(cwd, opts.actonPath) : undefined;
      if (actonPath && !existsSync(actonPath)) {
        throw new CliFailure(ExitCode.USAGE, `--acton-path ${actonPath} does not exist; nothing was written`, [
          'give the folder of an acton-ts clone (built with npm ci && npm run build) or a tarball made there by npm pack',
        ]);
      }
      const install = opts.skipInstall !== true && opts.dryRun !== true;
      if (install && !actonPath) await assertPublished(packageVersion());
      const directory = opts.directory ?? name;
      try {
        const options = {
          name,
          ...(opts.directory ? { directory: opts.directory } : {}),
          ...(opts.packageManager ? { packageManager: opts.packageManager } : {}),
          ...(actonPath ? { actonPath } : {}),
          skipInstall: true,
        };
        const { runSchematic } = await loadSchematicsRunner('acton new');
        await runSchematic({
          schematic: 'application',
          options,
          dryRun: opts.dryRun === true,
          root: cwd,
          collection: settings.collection,
          ...output,
        });
      } catch (err) {
        if (err instanceof CliFailure) throw err;
        throw new CliFailure(ExitCode.USAGE, (err as Error).message);
      }
      if (install)
        await installDependencies(resolve(cwd, directory), directory, opts.packageManager ?? 'npm', actonPath);
      if (opts.dryRun !== true) output.write(nextSteps(directory, opts.skipInstall === true));
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

/**
 * Refuses to start a project the registry cannot complete: asks `npm view acton-ts@^<version>`.
 * Only a definite "not found" stops `new`; when the registry cannot be asked (offline), the
 * install itself will tell.
 * @throws CliFailure (usage, exit 2) when the registry has no matching acton-ts
 */
async function assertPublished(version: string): Promise<void> {
  const answer = await new Promise<string>((done) => {
    execFile(
      'npm',
      ['view', `acton-ts@^${version}`, 'version'],
      { timeout: REGISTRY_CHECK_TIMEOUT_MS },
      (err, stdout, stderr) =>
        done(err ? `${stdout}${stderr}` : stdout.trim() === '' ? 'E404 no matching version' : 'found'),
    );
  });
  if (!/E404|404 Not Found|No match found/i.test(answer)) return;
  throw new CliFailure(
    ExitCode.USAGE,
    `acton-ts ${version} is not on the npm registry yet, so a new project could not install it; nothing was written`,
    [
      'point the project at a clone or a packed tarball of acton-ts instead:\n' +
        'git clone <acton-ts repository> && cd acton-ts && npm ci && npm run build && npm pack\n' +
        `npx acton-ts new my-app --acton-path ./acton-ts/acton-ts-${version}.tgz   (or --acton-path ./acton-ts for the clone itself)`,
    ],
  );
}

/**
 * `npm install` (or the chosen package manager) in the new project, its output on the terminal.
 * @throws CliFailure (exit 5) saying the files were written and what to run to finish
 */
async function installDependencies(
  dir: string,
  directory: string,
  packageManager: string,
  actonPath: string | undefined,
): Promise<void> {
  const status = await runInherited(packageManager, ['install'], dir, process.env);
  if (status === 0) return;
  const hints = [
    `the project's files are written; fix the cause printed above, then finish with: cd ${directory} && ${packageManager} install`,
  ];
  if (!actonPath)
    hints.push(
      'if acton-ts could not be found, point the project at a clone or tarball: rm -r the folder and run acton new again with --acton-path',
    );
  throw new CliFailure(
    ExitCode.INSTALL_FAILED,
    `${packageManager} install failed in ${directory} (exit ${status})`,
    hints,
  );
}

function nextSteps(directory: string, skipInstall: boolean): string {
  const lines = ['', 'Next:', `  cd ${directory}`];
  if (skipInstall) lines.push('  npm install');
  lines.push('  npm start    # build, then serve the actors on a Unix socket', '  npm test     # run the specs', '');
  return lines.join('\n');
}
