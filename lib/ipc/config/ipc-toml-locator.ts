import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { envValue, IPC_ENV_VARS, type IpcEnv } from './ipc-env';

/** What decides which `ipc.toml` is read. */
export interface IpcTomlLocatorOptions {
  /** `IpcModule.forRoot({ configFile })`: beats everything; must exist. Relative to `cwd`. */
  readonly configFile?: string;
  /** Environment (for `ACTON_IPC_CONFIG`, `XDG_CONFIG_HOME`, `XDG_CONFIG_DIRS`, `HOME`). */
  readonly env: IpcEnv;
  /** Names the per-app directory `acton/<appName>/` (the reference's executable stem). */
  readonly appName: string;
  /** Base for relative explicit paths. */
  readonly cwd: string;
}

/** The chosen file and why it was chosen (for log lines and error messages). */
export interface IpcTomlLocation {
  /** Absolute path of the file. */
  readonly path: string;
  /** How it was chosen, e.g. `configFile in IpcModule.forRoot()`, `ACTON_IPC_CONFIG`, `XDG search`. */
  readonly chosenBy: string;
}

/**
 * Finds the `ipc.toml` to read: an explicit `configFile` > `$ACTON_IPC_CONFIG` > the first file
 * that exists among `ipcTomlSearchPaths()`. Returns `undefined` when nothing is configured and
 * no file exists (then only defaults apply).
 *
 * @throws Error naming the path when an explicitly given file does not exist or is not a file.
 */
export function locateIpcToml(options: IpcTomlLocatorOptions): IpcTomlLocation | undefined {
  if (options.configFile !== undefined) {
    return explicitFile(options.configFile, options.cwd, 'configFile in IpcModule.forRoot()');
  }
  const fromEnv = envValue(options.env, IPC_ENV_VARS.configFile);
  if (fromEnv !== undefined) return explicitFile(fromEnv, options.cwd, `the environment variable ${IPC_ENV_VARS.configFile}`);
  const found = ipcTomlSearchPaths(options.appName, options.env).find(isFile);
  return found === undefined ? undefined : { path: found, chosenBy: 'the XDG search (PROTOCOL.md §5.7)' };
}

/**
 * The XDG search order of PROTOCOL.md §5.7, first existing wins: the per-app file
 * `acton/<appName>/ipc.toml` under `$XDG_CONFIG_HOME` then under each `$XDG_CONFIG_DIRS` entry,
 * then the shared `acton/ipc.toml` in the same directories. Per the XDG Base Directory spec,
 * `$XDG_CONFIG_HOME` defaults to `$HOME/.config`, `$XDG_CONFIG_DIRS` to `/etc/xdg` (as the
 * reference's `xdg` crate does), and relative entries are ignored.
 */
export function ipcTomlSearchPaths(appName: string, env: IpcEnv): string[] {
  const roots = [configHome(env), ...configDirs(env)];
  const perApp = roots.map((root) => path.join(root, 'acton', appName, 'ipc.toml'));
  const shared = roots.map((root) => path.join(root, 'acton', 'ipc.toml'));
  return [...perApp, ...shared];
}

function configHome(env: IpcEnv): string {
  const configured = envValue(env, 'XDG_CONFIG_HOME');
  if (configured !== undefined && path.isAbsolute(configured)) return configured;
  return path.join(envValue(env, 'HOME') ?? os.homedir(), '.config');
}

function configDirs(env: IpcEnv): string[] {
  const configured = envValue(env, 'XDG_CONFIG_DIRS') ?? '/etc/xdg';
  return configured.split(':').filter((dir) => dir !== '' && path.isAbsolute(dir));
}

function explicitFile(given: string, cwd: string, chosenBy: string): IpcTomlLocation {
  const absolute = path.resolve(cwd, given);
  const stat = fs.statSync(absolute, { throwIfNoEntry: false });
  if (stat === undefined) {
    throw new Error(
      `IPC config file ${absolute} (from ${chosenBy}) does not exist. ` +
        'Create it, correct the path, or remove the setting to use the XDG search.',
    );
  }
  if (!stat.isFile()) {
    throw new Error(`IPC config file ${absolute} (from ${chosenBy}) is not a regular file. Point it at an ipc.toml file.`);
  }
  return { path: absolute, chosenBy };
}

function isFile(candidate: string): boolean {
  return fs.statSync(candidate, { throwIfNoEntry: false })?.isFile() ?? false;
}
