import { defineModule, ModuleMetadata } from '../metadata/module-metadata';

/**
 * Groups actors, providers and imported modules. The app is everything reachable from the
 * module given to `bootstrap()`: modules are collected recursively, each once, into one
 * injector (providers are app-wide singletons, as are actors).
 */
export function Module(metadata: ModuleMetadata = {}): ClassDecorator {
  return (target) => defineModule(target, { ...metadata });
}
