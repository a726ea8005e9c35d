import { ModuleImport } from '../metadata/module-metadata';
import { ActonApp } from './acton-app';
import { AppOptions, buildApp } from './app-builder';
import { installShutdownSignals } from './shutdown-signals';

/** Options of `bootstrap()`. */
export interface BootstrapOptions extends AppOptions {
  /** Wire SIGINT / SIGTERM to `app.close()` (removed again when the app closes); default false. */
  readonly shutdownSignals?: boolean;
}

/**
 * Builds and starts the app rooted at `rootModule`: providers and actors are created, `onStart`
 * hooks run in dependency order, then extensions (e.g. the IPC listener) start.
 * @throws (rejects) Error on a configuration mistake (naming the class, method, token or wire
 *   name at fault) or when an `onStart` fails ("onStart of actor '<name>' (<Class>) failed: ...",
 *   after stopping what had started)
 * @example const app = await bootstrap(AppModule, { shutdownSignals: true });
 */
export async function bootstrap(rootModule: ModuleImport, options: BootstrapOptions = {}): Promise<ActonApp> {
  const app = await buildApp(rootModule, { ...options, extensions: true });
  if (options.shutdownSignals) installShutdownSignals(app);
  return app;
}
