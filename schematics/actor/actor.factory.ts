import { join, normalize, Path, strings } from '@angular-devkit/core';
import {
  apply,
  applyTemplates,
  chain,
  filter,
  mergeWith,
  move,
  noop,
  Rule,
  SchematicContext,
  SchematicsException,
  Tree,
} from '@angular-devkit/schematics';
import { addActorToModule } from '../utils/module-actors';
import { explicitModule, findNearestModule, relativeImport } from '../utils/module-finder';
import { actorNames, ActorNames, classBaseName, splitNamePath, article } from '../utils/names';
import { assertTypeScript } from '../utils/nest-cli-options';
import { templatesDir } from '../utils/package-root';
import { templateSource } from '../utils/template-source';
import { ActorOptions } from './actor-options';

/**
 * The `actor` schematic: `acton g actor price-feed` creates `src/price-feed/price-feed.actor.ts`
 * (`@Actor('price_feed') PriceFeedActor`), `price-feed.messages.ts` (`PriceFeedRequest` /
 * `PriceFeedReply`) and `price-feed.actor.spec.ts`, then lists the actor in the nearest
 * module's `actors` (see `ActorOptions` for `--flat`, `--no-spec`, `--stream`, `--module`, `--skip-import`).
 * @throws SchematicsException for an invalid name, an existing actor file, or a module it cannot edit
 */
export function actor(options: ActorOptions): Rule {
  return (tree: Tree) => {
    assertTypeScript(options.language);
    const { dir, name } = splitNamePath(options.name);
    const names = actorNames(name);
    const folder = join(
      normalize(`/${options.sourceRoot ?? 'src'}`),
      options.path ?? '',
      dir,
      options.flat ? '' : names.fileName,
    );
    assertFree(tree, folder, actorFileNames(options, names.fileName));
    return chain([
      mergeWith(actorFiles(options, names, classBaseName(name, 'actor'), folder)),
      options.skipImport ? noop() : declareInModule(options, names, folder),
    ]);
  };
}

function actorFiles(options: ActorOptions, names: ActorNames, base: string, folder: Path) {
  const specSuffix = options.specFileSuffix ?? 'spec';
  return apply(templateSource(templatesDir('actor')), [
    options.spec === false ? filter((path) => !path.includes('__specFileSuffix__')) : noop(),
    applyTemplates({
      ...strings,
      ...names,
      article,
      name: base,
      stream: options.stream === true,
      specFileSuffix: specSuffix,
    }),
    move(folder),
  ]);
}

/** The names of the files the schematic creates. */
function actorFileNames(options: ActorOptions, fileName: string): string[] {
  const files = [`${fileName}.actor.ts`, `${fileName}.messages.ts`];
  return options.spec === false ? files : [...files, `${fileName}.actor.${options.specFileSuffix ?? 'spec'}.ts`];
}

/** Refuses to run when a file it would create exists (the engine's own message is a bare "merge conflicted"). */
function assertFree(tree: Tree, folder: Path, files: readonly string[]): void {
  const taken = files.map((file) => join(folder, file)).filter((path) => tree.exists(path));
  if (taken.length > 0) {
    const list = taken.map((path) => path.slice(1)).join(', ');
    throw new SchematicsException(
      `${list} already exist${taken.length === 1 ? 's' : ''}: choose another actor name or --path, or delete the file${taken.length === 1 ? '' : 's'} first`,
    );
  }
}

/** Lists the new actor in `--module`, or the nearest `*.module.ts`; warns when there is none. */
function declareInModule(options: ActorOptions, names: ActorNames, folder: Path): Rule {
  return (tree: Tree, context: SchematicContext) => {
    const moduleFile = options.module ? explicitModule(tree, options.module) : findNearestModule(tree, folder);
    if (!moduleFile) {
      context.logger.warn(
        `No *.module.ts in ${folder.slice(1)} or above: add ${names.className} to a module's actors yourself, or pass --module <file>`,
      );
      return;
    }
    const source = tree.readText(moduleFile);
    const importPath = relativeImport(moduleFile, join(folder, `${names.fileName}.actor`));
    const updated = addActorToModule(source, moduleFile.slice(1), { className: names.className, importPath });
    if (updated !== source) tree.overwrite(moduleFile, updated);
  };
}
