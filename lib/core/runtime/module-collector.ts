import { DynamicModule, ModuleImport, ModuleMetadata, moduleMetadataOf } from '../metadata/module-metadata';
import { AppExtensionFactory } from './app-extension';
import { Provider, Type } from './provider';

/** Everything an app is made of, flattened from its module tree. */
export interface CollectedModules {
  /** Actor classes, each once, imported modules' first. */
  readonly actors: Type[];
  /** Providers in registration order (a later one for the same token wins). */
  readonly providers: Provider[];
  /** Extension factories of dynamic modules, in import order. */
  readonly extensions: AppExtensionFactory[];
}

/**
 * Walks `root` and its `imports` depth-first (imports before the importing module), visiting
 * each module class once and each dynamic module object once.
 * @throws Error naming the module when an import is not a `@Module` class or dynamic module
 */
export function collectModules(root: ModuleImport): CollectedModules {
  const result = { actors: [] as Type[], providers: [] as Provider[], extensions: [] as AppExtensionFactory[] };
  const seen = new Set<unknown>();
  const actors = new Set<Type>();
  const visit = (entry: ModuleImport, importer: string): void => {
    if (seen.has(entry)) return;
    seen.add(entry);
    if (typeof entry === 'function') {
      const metadata = moduleMetadataOf(entry);
      if (!metadata)
        throw new Error(
          `${entry.name} is imported as a module by ${importer} but has no @Module() decorator; add @Module({...}) to it`,
        );
      collect(metadata, entry.name);
    } else if (isDynamicModule(entry)) {
      visit(entry.module, importer);
      collect(entry, `${entry.module.name} (dynamic)`);
      result.extensions.push(...(entry.extensions ?? []));
    } else {
      throw new Error(
        `Invalid entry ${String(entry)} in the imports of ${importer}: use a @Module class or a dynamic module ({ module, ... }); undefined usually means a circular import`,
      );
    }
  };
  const collect = (metadata: ModuleMetadata, name: string): void => {
    for (const imported of metadata.imports ?? []) visit(imported, name);
    for (const actor of metadata.actors ?? []) {
      if (typeof actor !== 'function')
        throw new Error(
          `Invalid entry ${String(actor)} in the actors of ${name}: use an @Actor class (undefined usually means a circular import)`,
        );
      if (!actors.has(actor)) result.actors.push(actor);
      actors.add(actor);
    }
    for (const provider of metadata.providers ?? []) {
      if (provider === undefined || provider === null)
        throw new Error(`Invalid entry ${String(provider)} in the providers of ${name} (a circular import?)`);
      result.providers.push(provider);
    }
  };
  visit(root, 'bootstrap()');
  return result;
}

function isDynamicModule(entry: unknown): entry is DynamicModule {
  return entry !== null && typeof entry === 'object' && typeof (entry as DynamicModule).module === 'function';
}
