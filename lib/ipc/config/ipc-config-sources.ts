import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type ConfigLogger,
  type ConfigSetting,
  IPC_CONFIG_KEYS,
  type IpcConfigKey,
  type IpcConfigOverrides,
  keyFromCodeName,
  keyFromTomlName,
  TOML_KEYS,
} from './ipc-config';
import { describeValue } from './ipc-config-validation';

/**
 * Loading: where configuration values come from, each source turned into a list of
 * `ConfigSetting`s (not yet validated) with its origin: the `ipc.toml` file (found as in
 * docs/protocol.md §5.7), the environment, and `IpcModule.forRoot()`. Unknown sections and keys
 * are ignored, as the reference does, but reported with a "did you mean" hint, since a typo is
 * the usual cause.
 */

/** The environment a resolution reads; `process.env` fits. */
export type IpcEnv = Readonly<Record<string, string | undefined>>;

/** Environment variables the IPC configuration honours (docs/protocol.md §5.6, §5.7). */
export const IPC_ENV_VARS = Object.freeze({
  /** Socket path; beats `socket.path` from `ipc.toml`, loses to `IpcModule.forRoot()`. */
  socketPath: 'ACTON_IPC_SOCKET',
  /** App name (default socket path, per-app config directory); beats `socket.app_name` from `ipc.toml`. */
  appName: 'ACTON_APP_NAME',
  /** Path of the `ipc.toml` to read instead of the XDG search; must exist. */
  configFile: 'ACTON_IPC_CONFIG',
});

/** How `IpcModule.forRoot()` options are credited in messages. */
export const OVERRIDES_ORIGIN = 'IpcModule.forRoot()';

/**
 * The value of an environment variable, treating set-but-empty as unset (as shells make it easy
 * to export an empty variable by accident, and as our clients do for `XDG_RUNTIME_DIR`, §5.6).
 */
function envValue(env: IpcEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The environment layer: `ACTON_IPC_SOCKET` → `socket.path`, `ACTON_APP_NAME` → `socket.appName`.
 */
export function envSettings(env: IpcEnv): ConfigSetting[] {
  const settings: ConfigSetting[] = [];
  const pairs: [IpcConfigKey, string][] = [
    ['socket.path', IPC_ENV_VARS.socketPath],
    ['socket.appName', IPC_ENV_VARS.appName],
  ];
  for (const [key, name] of pairs) {
    const value = envValue(env, name);
    if (value !== undefined) settings.push({ key, label: name, origin: 'the environment', value });
  }
  return settings;
}

/** How one layer names its sections and keys, and how it words its complaints. */
interface LayerNaming {
  /** Where the values were written (a file path or `IpcModule.forRoot()`). */
  readonly origin: string;
  /** The section names this layer knows, e.g. `rate_limit` in TOML, `rateLimit` in code. */
  readonly sections: readonly string[];
  /** The setting a dotted name of this layer stands for. */
  keyOf(dottedName: string): IpcConfigKey | undefined;
  /** Whether a section's value is a table/object this layer accepts. */
  isSection(value: unknown): value is Record<string, unknown>;
  /** The error for a known section whose value is not a table/object. */
  notASection(section: string, value: unknown): Error;
  /** Reports a name that is not a known section or key. */
  warnUnknown(name: string, value: unknown): void;
}

/** Walks `root` (sections of fields) and keeps every known setting; `undefined` values count as not given. */
function layerSettings(root: Record<string, unknown>, layer: LayerNaming): ConfigSetting[] {
  const settings: ConfigSetting[] = [];
  for (const [section, body] of Object.entries(root)) {
    if (body === undefined) continue;
    if (!layer.sections.includes(section)) {
      layer.warnUnknown(section, body);
      continue;
    }
    if (!layer.isSection(body)) throw layer.notASection(section, body);
    for (const [field, value] of Object.entries(body)) {
      if (value === undefined) continue;
      const label = `${section}.${field}`;
      const key = layer.keyOf(label);
      if (key === undefined) layer.warnUnknown(label, value);
      else settings.push({ key, label, origin: layer.origin, value });
    }
  }
  return settings;
}

const CODE_SECTIONS = [...new Set(IPC_CONFIG_KEYS.map((key) => key.split('.')[0]!))];

/**
 * The `IpcModule.forRoot({...})` layer as settings (camelCase keys). `configFile` is not a
 * setting and is skipped; `undefined` values count as "not given", so `{ path: process.env.X }`
 * works. Unknown sections/keys (possible from JavaScript or a cast) are ignored with a warning.
 *
 * @throws Error when a section is given as something other than an object.
 */
export function overrideSettings(overrides: IpcConfigOverrides, logger: ConfigLogger): ConfigSetting[] {
  const { configFile: _configFile, ...sections } = overrides;
  return layerSettings(sections, {
    origin: OVERRIDES_ORIGIN,
    sections: CODE_SECTIONS,
    keyOf: keyFromCodeName,
    isSection: (value): value is Record<string, unknown> =>
      typeof value === 'object' && value !== null && !Array.isArray(value),
    notASection: (section, value) =>
      new Error(
        `Invalid IPC configuration: ${section} (set in ${OVERRIDES_ORIGIN}) is ${describeValue(value)}, ` +
          `but it must be an object such as { ${section}: { ... } }.`,
      ),
    warnUnknown: (name) => {
      const suggestion = closestKey(name, name.includes('.') ? IPC_CONFIG_KEYS : CODE_SECTIONS);
      const hint = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
      logger.warn(`Ignoring unknown option ${name} in ${OVERRIDES_ORIGIN}${hint}.`);
    },
  });
}

const TOML_NAMES = IPC_CONFIG_KEYS.map((key) => TOML_KEYS[key]);
const TOML_SECTIONS = [...new Set(TOML_NAMES.map((name) => name.split('.')[0]!))];

/**
 * Reads and parses one `ipc.toml` and returns its settings (acton's sections and snake_case
 * keys, docs/protocol.md §5.7). Every key is optional.
 *
 * @throws Error when the file cannot be read, or (docs/protocol.md §0 D8: the reference would
 *   log and fall back to defaults) when it fails to parse: the message names the file, line,
 *   column and the parser's reason, with the offending line. Also when a known section is not a table.
 */
export function loadIpcToml(filePath: string, logger: ConfigLogger): ConfigSetting[] {
  return layerSettings(parseToml(readText(filePath), filePath), {
    origin: filePath,
    sections: TOML_SECTIONS,
    keyOf: keyFromTomlName,
    isSection: isTable,
    notASection: (section, value) =>
      new Error(
        `Invalid IPC configuration: ${section} (set in ${filePath}) is ${describeValue(value)}, ` +
          `but it must be a table: write its keys under a [${section}] header.`,
      ),
    warnUnknown: (name, value) => {
      const what = name.includes('.') || !isTable(value) ? `key ${name}` : `section [${name}]`;
      const suggestion = closestKey(name, name.includes('.') ? TOML_NAMES : [...TOML_SECTIONS, ...TOML_NAMES]);
      const hint =
        suggestion === undefined
          ? ' (check the spelling against the documented keys)'
          : ` (did you mean ${suggestion}?)`;
      logger.warn(`Ignoring unknown ${what} in IPC config file ${filePath}${hint}.`);
    },
  });
}

function readText(filePath: string): string {
  try {
    return fs.readFileSync(filePath, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`Cannot read IPC config file ${filePath}: ${reason}. Check the file's permissions.`, {
      cause: err,
    });
  }
}

/**
 * Parses a TOML document (TOML 1.0, via smol-toml, kept behind this one function so the parser
 * can be replaced). Integers beyond ±2^53 come back as `bigint` so that the validator, not the
 * parser, reports them as out of range, naming the key.
 */
function parseToml(text: string, filePath: string): Record<string, unknown> {
  // Required here, not at the top: an app without an ipc.toml (the common case) never loads the parser.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse: parseTomlText, TomlError } = require('smol-toml') as typeof import('smol-toml');
  try {
    return parseTomlText(text, { integersAsBigInt: 'asNeeded', unsafeKeyBehaviour: 'drop' });
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    // smol-toml's message is "Invalid TOML document: <reason>\n\n<code block>"; keep only the reason.
    const reason = (err.message.split('\n')[0] ?? err.message).replace(/^Invalid TOML document: /, '');
    throw new Error(
      `Failed to parse IPC config file ${filePath} at line ${err.line}, column ${err.column}: ${reason}\n` +
        `${err.codeblock}Fix the TOML syntax there (or remove the file to use the defaults).`,
      { cause: err },
    );
  }
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

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
  if (fromEnv !== undefined) {
    return explicitFile(fromEnv, options.cwd, `the environment variable ${IPC_ENV_VARS.configFile}`);
  }
  const found = ipcTomlSearchPaths(options.appName, options.env).find(isFile);
  return found === undefined ? undefined : { path: found, chosenBy: 'the XDG search (docs/protocol.md §5.7)' };
}

/**
 * The XDG search order of docs/protocol.md §5.7, first existing wins: the per-app file
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
    throw new Error(
      `IPC config file ${absolute} (from ${chosenBy}) is not a regular file. Point it at an ipc.toml file.`,
    );
  }
  return { path: absolute, chosenBy };
}

function isFile(candidate: string): boolean {
  return fs.statSync(candidate, { throwIfNoEntry: false })?.isFile() ?? false;
}

/**
 * The candidate a mistyped name most likely meant, for "did you mean" hints, or `undefined`
 * when none is close. Names match when they are equal after ignoring case, `_` and `-`
 * (`maxConnections` ~ `max_connections`), or within two edits of each other. Also used by
 * `acton subscribe` to suggest a registered message type for a mistyped one.
 */
export function closestKey(name: string, candidates: readonly string[]): string | undefined {
  const wanted = normalize(name);
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalize(candidate));
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

/** Levenshtein distance; names here are short (< 50 characters), so O(n·m) is fine. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
