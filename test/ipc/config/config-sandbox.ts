import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveIpcConfig, type IpcConfig, type IpcConfigOverrides } from '../../../lib/ipc/config';

/**
 * A throwaway directory tree standing in for a machine: home, XDG config dirs, a runtime dir and
 * an app (package `@acme/pricing`, entry script `dist/main.js`). The env object points at it, so
 * no test reads the real machine's configuration or touches `process.env`.
 */
export class ConfigSandbox {
  readonly root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'acton-config-')));
  readonly configHome = path.join(this.root, 'config-home');
  readonly configDirA = path.join(this.root, 'config-dir-a');
  readonly configDirB = path.join(this.root, 'config-dir-b');
  readonly runtimeDir = path.join(this.root, 'run');
  readonly appDir = path.join(this.root, 'app');
  readonly argv1 = this.write('app/dist/main.js', '');
  readonly warnings: string[] = [];
  readonly infos: string[] = [];
  env: Record<string, string> = {
    HOME: path.join(this.root, 'home'),
    XDG_CONFIG_HOME: this.configHome,
    XDG_CONFIG_DIRS: `${this.configDirA}:${this.configDirB}`,
    XDG_RUNTIME_DIR: this.runtimeDir,
  };

  constructor() {
    this.write('app/package.json', JSON.stringify({ name: '@acme/pricing' }));
  }

  /** Writes `text` to `relative` under the root, creating directories; returns the absolute path. */
  write(relative: string, text: string): string {
    const file = path.join(this.root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  }

  /** Resolves with this sandbox's env, cwd (the app) and entry script; collects warnings. */
  resolve(overrides: IpcConfigOverrides = {}, extraEnv: Record<string, string> = {}): IpcConfig {
    const logger = { warn: (m: string) => this.warnings.push(m), info: (m: string) => this.infos.push(m) };
    return resolveIpcConfig(overrides, { ...this.env, ...extraEnv }, { logger, cwd: this.appDir, argv1: this.argv1 });
  }

  /** The message of the error `resolve` throws; fails the test when it does not throw. */
  resolveError(overrides: IpcConfigOverrides = {}, extraEnv: Record<string, string> = {}): string {
    try {
      this.resolve(overrides, extraEnv);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('expected resolveIpcConfig to throw, but it returned a configuration');
  }

  cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
