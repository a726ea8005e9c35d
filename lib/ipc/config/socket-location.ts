import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Where the socket is when `socket.path` is not configured (docs/protocol.md §5.6): the app's
 * name and the default path derived from it. Pure apart from reading `package.json` files, so
 * clients use it too to find a server by app name.
 */

/** The app name of last resort, as in the reference (docs/protocol.md §5.6). */
export const FALLBACK_APP_NAME = 'acton';

/** Where an app name can come from; every field is optional. */
export interface AppNameSources {
  /** An explicitly configured name; used as is when non-empty. */
  readonly configured?: string;
  /** The entry script (default `process.argv[1]`); `''` means "no script" (REPL, `node -e`). */
  readonly argv1?: string;
  /** Working directory (default `process.cwd()`). */
  readonly cwd?: string;
}

/** How far up the directory tree `package.json` is looked for. */
const MAX_PARENT_DIRS = 64;

/**
 * The application's name for the default socket path and the per-app config directory.
 * The reference uses the executable's file stem, but a Node process's executable is always
 * `node` (docs/protocol.md §5.6), so ours derives it from the app instead, first match wins:
 * 1. `configured`, when non-empty;
 * 2. the `name` of the nearest `package.json` (scope removed: `@acme/pricing` → `pricing`) above
 *    the entry script, or above `cwd`. When the entry script lives in a `node_modules` folder it
 *    is a runner (jest, ts-node, npx), so `cwd`'s package is preferred. Nameless files are skipped;
 * 3. the entry script's file stem (`server.js` → `server`), never `node`;
 * 4. `acton`.
 * Never throws: unreadable or malformed `package.json` files are skipped.
 */
export function resolveAppName(sources: AppNameSources = {}): string {
  if (sources.configured) return sources.configured;
  const argv1 = sources.argv1 ?? process.argv[1] ?? '';
  const cwd = sources.cwd ?? process.cwd();
  const script = argv1 === '' ? undefined : realPath(path.resolve(cwd, argv1));
  return packageName(script, cwd) ?? scriptStem(script) ?? FALLBACK_APP_NAME;
}

function packageName(script: string | undefined, cwd: string): string | undefined {
  if (script === undefined) return nearestPackageName(cwd);
  const scriptDir = path.dirname(script);
  const isRunner = scriptDir.split(path.sep).includes('node_modules');
  return isRunner
    ? (nearestPackageName(cwd) ?? nearestPackageName(scriptDir))
    : (nearestPackageName(scriptDir) ?? nearestPackageName(cwd));
}

function nearestPackageName(startDir: string): string | undefined {
  let dir = path.resolve(startDir);
  for (let i = 0; i < MAX_PARENT_DIRS; i++) {
    const name = readPackageName(path.join(dir, 'package.json'));
    if (name !== undefined) return name;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

function readPackageName(file: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    const name = (parsed as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return undefined;
    const unscoped = name.replace(/^@[^/]+\//, '');
    return unscoped === '' || unscoped.includes('/') ? undefined : unscoped;
  } catch {
    return undefined; // absent, unreadable or not JSON: keep looking further up
  }
}

function scriptStem(script: string | undefined): string | undefined {
  if (script === undefined) return undefined;
  const stem = path.parse(script).name;
  return stem === '' || stem === 'node' ? undefined : stem;
}

function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/**
 * Where a server with this app name listens when `socket.path` is not configured
 * (docs/protocol.md §5.6): `$XDG_RUNTIME_DIR/acton/<appName>/ipc.sock`, or
 * `/tmp/acton/<appName>/ipc.sock` when `XDG_RUNTIME_DIR` is unset or empty (the Rust reference
 * would yield a relative path for empty; ours follows the Python/Node clients and uses /tmp).
 * Pure: reads nothing but `env`, so clients can use it to find a server by app name.
 *
 * @param appName the server's app name (see `resolveAppName`); used as one path segment
 * @param env environment to read `XDG_RUNTIME_DIR` from; default `process.env`
 */
export function defaultSocketPath(
  appName: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const runtimeDir = env.XDG_RUNTIME_DIR;
  return path.join(runtimeDir ? runtimeDir : '/tmp', 'acton', appName, 'ipc.sock');
}
