import 'reflect-metadata';
import { AppExtensionFactory } from '../runtime/app-extension';
import { Provider, Type } from '../runtime/provider';
import { MetadataKeys, ownMetadata } from './metadata-keys';

/** What `@Module({...})` declares. */
export interface ModuleMetadata {
  /** `@Actor` classes; each becomes one singleton actor of the app. */
  readonly actors?: readonly Type[];
  /** Services injected into actors and other providers. */
  readonly providers?: readonly Provider[];
  /** Other modules (classes or dynamic modules) whose actors, providers and extensions join the app. */
  readonly imports?: readonly ModuleImport[];
}

/**
 * A module configured at import time, e.g. what `IpcModule.forRoot()` returns: the `module`
 * class's own `@Module` metadata plus these extra keys.
 */
export interface DynamicModule extends ModuleMetadata {
  readonly module: Type;
  /** Plug-ins started after the actors (see `AppExtension`), e.g. the IPC listener. */
  readonly extensions?: readonly AppExtensionFactory[];
}

/** An entry of `imports`. */
export type ModuleImport = Type | DynamicModule;

/** Stores `@Module` metadata on the class. */
export function defineModule(target: Function, metadata: ModuleMetadata): void {
  Reflect.defineMetadata(MetadataKeys.MODULE, metadata, target);
}

/** The `@Module` metadata of exactly this class, or `undefined`. */
export function moduleMetadataOf(target: Function): ModuleMetadata | undefined {
  return ownMetadata<ModuleMetadata>(MetadataKeys.MODULE, target);
}
