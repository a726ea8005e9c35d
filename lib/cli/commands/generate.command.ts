import { Command } from 'commander';
import { CliFailure } from '../cli-failure';
import { ExitCode } from '../exit-code';
import { describeSchematics, findSchematic, listSchematics } from '../schematic-collection';
import { loadSchematicsRunner } from '../schematics-devkit';
import { outputOf } from './command-output';
import { SchematicCommandSettings } from './schematic-command-settings';

/** Options of `acton generate` that are passed to the schematic when given on the command line. */
const SCHEMATIC_OPTIONS = [
  'path',
  'sourceRoot',
  'flat',
  'spec',
  'specFileSuffix',
  'stream',
  'module',
  'skipImport',
  'actor',
  'reply',
] as const;

/**
 * Registers `generate|g <schematic> <name> [options]` on `program`: runs one schematic of the
 * acton-ts collection in the current folder and prints each CREATE / UPDATE line, like `nest g`.
 *
 *     acton g actor price-feed [--path feeds] [--flat] [--no-spec] [--stream]
 *                              [--module src/app.module.ts] [--skip-import]
 *     acton g message price-quote --actor price-feed [--no-reply]
 *     acton g actor price-feed --dry-run
 *
 * An unknown schematic, an option the schematic does not take, an invalid name or an existing
 * file writes nothing and throws a `CliFailure` (exit code 2, usage error) saying what to do,
 * which `runCli` prints as `error: <message>`. The devkit and TypeScript are loaded only when a
 * schematic runs (they are the project's dev dependencies, see `loadSchematicsRunner`).
 * @returns the `generate` command
 */
export function registerGenerateCommand(program: Command, settings: SchematicCommandSettings = {}): Command {
  return program
    .command('generate')
    .alias('g')
    .description('Generate an actor or a message from the acton-ts schematics')
    .argument('<schematic>', 'actor (a), message (m) or application (app)')
    .argument('<name>', 'the element name: price-feed, feeds/price-feed, price-quote')
    .option('--path <path>', 'folder relative to the source root to generate in')
    .option('--source-root <dir>', 'the project source folder (default: src)')
    .option('--flat', 'put the files directly in the folder, not in one named after the element')
    .option('--no-spec', 'do not generate a spec file')
    .option('--spec-file-suffix <suffix>', 'spec files are named <name>.actor.<suffix>.ts (default: spec)')
    .option('--stream', 'actor: the handler returns an rxjs Observable (a stream of replies)')
    .option('--module <file>', 'actor: module file to add the actor to (default: the nearest *.module.ts)')
    .option('--skip-import', 'actor: do not add the actor to a module')
    .option('--actor <name>', 'message: the actor whose <actor>.messages.ts receives the message')
    .option('--no-reply', 'message: do not generate a <Name>Reply class')
    .option('-d, --dry-run', 'report the changes without writing them')
    .addHelpText('after', () => `\nSchematics: ${describeSchematics(listSchematics(settings.collection))}`)
    .action(async (schematic: string, name: string, _opts: object, command: Command) => {
      try {
        const info = findSchematic(schematic, settings.collection);
        const options = { name, ...givenOptions(command, info.name, info.options) };
        const { runSchematic } = await loadSchematicsRunner('acton generate');
        await runSchematic({
          schematic: info.name,
          options,
          dryRun: command.opts().dryRun === true,
          root: settings.cwd,
          collection: settings.collection,
          ...outputOf(command),
        });
      } catch (err) {
        if (err instanceof CliFailure) throw err;
        throw new CliFailure(ExitCode.USAGE, (err as Error).message);
      }
    });
}

/**
 * The schematic options the user typed (defaults of `--no-spec`/`--no-reply` are left to the
 * schematic's schema).
 * @throws Error naming an option the schematic does not take, and the ones it does
 */
function givenOptions(command: Command, schematic: string, accepted: readonly string[]): Record<string, unknown> {
  const values = command.opts();
  const given = SCHEMATIC_OPTIONS.filter((key) => command.getOptionValueSource(key) === 'cli');
  const refused = given.filter((key) => !accepted.includes(key));
  if (refused.length > 0) {
    const own = SCHEMATIC_OPTIONS.filter((key) => accepted.includes(key)).map(flag);
    throw new Error(
      `${refused.map(flag).join(', ')}: not an option of the ${schematic} schematic (its options: ${own.join(', ')})`,
    );
  }
  return Object.fromEntries(given.map((key) => [key, values[key]]));
}

/** `skipImport` → `--skip-import`. */
function flag(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
