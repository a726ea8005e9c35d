import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModuleImport } from '../core/metadata/module-metadata';
import { ActonApp } from '../core/runtime/acton-app';
import { AppOptions, buildApp } from '../core/runtime/app-builder';
import { Provider } from '../core/runtime/provider';

/** Options of `createTestingApp()`. */
export interface TestingAppOptions extends AppOptions {
  /** Providers that replace the modules' ones with the same token (fakes, stubs). */
  readonly overrides?: readonly Provider[];
  /** Also create and start the modules' extensions (e.g. open the IPC socket); default false. */
  readonly extensions?: boolean;
}

/**
 * Builds and starts an app for tests: like `bootstrap()`, but extensions that would open
 * sockets are skipped unless `{ extensions: true }`, and providers can be overridden. Call
 * `app.close()` when done.
 * @example
 * const app = await createTestingApp(AppModule, { overrides: [{ provide: Clock, useValue: fakeClock }] });
 * expect(await app.ask('calculator', Object.assign(new AddRequest(), { a: 1, b: 2 }))).toEqual({ sum: 3 });
 * await app.close();
 */
export function createTestingApp(rootModule: ModuleImport, options: TestingAppOptions = {}): Promise<ActonApp> {
  return buildApp(rootModule, { ...options, extensions: options.extensions ?? false });
}

/**
 * A fresh Unix socket path inside a new private temporary directory (`<tmp>/acton-ts-XXXXXX/<name>`),
 * so tests never collide with each other or with a real app. The directory is not removed.
 * @param name the socket file's name; default `ipc.sock`
 */
export function tempSocketPath(name = 'ipc.sock'): string {
  return join(mkdtempSync(join(tmpdir(), 'acton-ts-')), name);
}
