import { join, normalize, strings } from '@angular-devkit/core';
import {
  apply,
  applyTemplates,
  chain,
  mergeWith,
  move,
  noop,
  Rule,
  schematic,
  SchematicContext,
  SchematicsException,
  Tree,
} from '@angular-devkit/schematics';
import { NodePackageInstallTask } from '@angular-devkit/schematics/tasks';
import { ActorOptions } from '../actor/actor-options';
import { assertTypeScript } from '../utils/nest-cli-options';
import { actonPackageJson, templatesDir } from '../utils/package-root';
import { templateSource } from '../utils/template-source';
import { ApplicationOptions } from './application-options';
import { projectPackageJson } from './project-package-json';

/** npm's rule for unscoped package names (lowercase, URL-safe, ≤ 214 characters). */
const PACKAGE_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * The `application` schematic (`acton new demo`): a project folder with package.json,
 * tsconfig (decorators and their metadata on), jest, README, .gitignore, `src/main.ts`
 * bootstrapping `AppModule` (with `IpcModule.forRoot({ socket: { appName } })` and
 * `shutdownSignals: true`), and a `greeter` actor made by the `actor` schematic; then
 * `npm install` in it unless `skipInstall`.
 * @throws SchematicsException for a name npm would refuse or a folder that already holds a project
 */
export function application(options: ApplicationOptions): Rule {
  return (tree: Tree) => {
    assertTypeScript(options.language);
    const name = projectName(options.name);
    const directory = normalize(options.directory ?? name);
    if (tree.exists(join(directory, 'package.json'))) {
      throw new SchematicsException(`${directory}/package.json already exists: choose another name or --directory`);
    }
    const files = apply(templateSource(templatesDir('application')), [
      applyTemplates({ ...strings, name, dot: '.' }),
      move(directory),
    ]);
    const greeter: ActorOptions = {
      name: 'greeter',
      sourceRoot: join(directory, 'src'),
      module: join(directory, 'src', 'app.module.ts'),
    };
    return chain([
      mergeWith(files),
      (t: Tree) =>
        void t.create(
          join(directory, 'package.json'),
          `${JSON.stringify(projectPackageJson(name, actonPackageJson(), options.actonPath), null, 2)}\n`,
        ),
      schematic('actor', greeter),
      options.skipInstall ? noop() : install(directory, options.packageManager),
    ]);
  };
}

/**
 * `demo`, `price-service`; `PriceService` → `price-service`.
 * @throws SchematicsException naming the value and npm's rule
 */
function projectName(raw: string): string {
  const name = strings.dasherize(raw.trim());
  if (!PACKAGE_NAME.test(name) || name.length > 214) {
    throw new SchematicsException(
      `Invalid project name ${JSON.stringify(raw)}: use lowercase letters, digits, '-', '.' or '_', starting with a letter or digit (e.g. demo or price-service)`,
    );
  }
  return name;
}

function install(directory: string, packageManager?: string): Rule {
  return (_tree: Tree, context: SchematicContext) => {
    context.addTask(
      new NodePackageInstallTask({ workingDirectory: directory, ...(packageManager ? { packageManager } : {}) }),
    );
  };
}
