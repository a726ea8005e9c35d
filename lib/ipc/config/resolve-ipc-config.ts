import {
  type ConfigLogger,
  type ConfigSetting,
  IPC_DEFAULTS,
  type IpcConfig,
  type IpcConfigKey,
  type IpcConfigOverrides,
  splitKey,
} from './ipc-config';
import {
  envSettings,
  type IpcEnv,
  loadIpcToml,
  locateIpcToml,
  OVERRIDES_ORIGIN,
  overrideSettings,
} from './ipc-config-sources';
import { checkIpcConfig, describeValue, validateSetting, type ValidationContext } from './ipc-config-validation';
import { defaultSocketPath, resolveAppName } from './socket-location';

/**
 * Resolution: the layers of docs/protocol.md §5.7 merged into one frozen `IpcConfig`, and the
 * one-line description the listener logs at start.
 */

/** Options of `resolveIpcConfig` that are not configuration values. */
export interface ResolveIpcConfigOptions {
  /** Receives warnings (unknown keys, clamped values) and, if it has `info`, the file used.
   * Default: `console.warn` with the `[acton] warn` prefix. */
  readonly logger?: ConfigLogger;
  /** Base for relative paths and app-name derivation; default `process.cwd()`. */
  readonly cwd?: string;
  /** The entry script for app-name derivation; default `process.argv[1]`. */
  readonly argv1?: string;
}

const CONSOLE_LOGGER: ConfigLogger = { warn: (message) => console.warn(`[acton] warn ${message}`) };

/**
 * The listener's effective configuration, later layers winning (docs/architecture.md
 * "Configuration"): built-in defaults (docs/protocol.md §5.7) < `ipc.toml` < environment
 * (`ACTON_IPC_SOCKET`, `ACTON_APP_NAME`) < `overrides` (`IpcModule.forRoot`). The file is `overrides.configFile`,
 * else `$ACTON_IPC_CONFIG`, else the first found by the §5.7 XDG search, whose per-app directory
 * is named after the app name given in `overrides` or `ACTON_APP_NAME`, else the derived one
 * (`resolveAppName`; the file's own `socket.app_name` cannot choose the file it is in).
 * Without `socket.path`, the path is `defaultSocketPath(appName, env)` (§5.6).
 * Every given value is validated, including ones a later layer overrides. The result is
 * deeply frozen.
 *
 * @param overrides `IpcModule.forRoot()` options (camelCase keys, plus `configFile`)
 * @param env environment to read; default `process.env` (never modified)
 * @throws Error naming the key, its origin, the value and the allowed range for a bad value;
 *   naming the file and line for an `ipc.toml` that fails to parse (§0 D8); naming the path for
 *   an explicit config file that does not exist.
 */
export function resolveIpcConfig(
  overrides: IpcConfigOverrides = {},
  env: IpcEnv = process.env,
  opts: ResolveIpcConfigOptions = {},
): IpcConfig {
  const ctx: ValidationContext = { cwd: opts.cwd ?? process.cwd(), logger: opts.logger ?? CONSOLE_LOGGER };
  const fromCode = validateAll(overrideSettings(overrides, ctx.logger), ctx);
  const fromEnv = validateAll(envSettings(env), ctx);
  let derived: string | undefined;
  const derivedName = (): string => (derived ??= resolveAppName({ argv1: opts.argv1, cwd: ctx.cwd }));
  const knownName = lastValue([...fromEnv, ...fromCode], 'socket.appName') as string | undefined;
  const fromFile = validateAll(fileSettings(overrides, env, knownName ?? derivedName(), ctx), ctx);
  const settings = [...fromFile, ...fromEnv, ...fromCode];
  const merged = mergeOverDefaults(settings);
  checkIpcConfig(merged, (key) => settings.filter((s) => s.key === key).pop());
  const appName = (lastValue(settings, 'socket.appName') as string | undefined) ?? derivedName();
  const socketPath = (lastValue(settings, 'socket.path') as string | undefined) ?? defaultSocketPath(appName, env);
  return deepFreeze({ ...merged, socket: { ...merged.socket, path: socketPath, appName } });
}

function fileSettings(
  overrides: IpcConfigOverrides,
  env: IpcEnv,
  appName: string,
  ctx: ValidationContext,
): ConfigSetting[] {
  const configFile = overrides.configFile;
  if (configFile !== undefined && (typeof configFile !== 'string' || configFile === '')) {
    throw new Error(
      `Invalid IPC configuration: configFile (set in ${OVERRIDES_ORIGIN}) is ${describeValue(configFile)}, ` +
        'but it must be the path of an ipc.toml file.',
    );
  }
  const location = locateIpcToml({ configFile, env, appName, cwd: ctx.cwd });
  if (location === undefined) return [];
  ctx.logger.info?.(`Reading IPC configuration from ${location.path} (chosen by ${location.chosenBy})`);
  return loadIpcToml(location.path, ctx.logger);
}

function validateAll(settings: ConfigSetting[], ctx: ValidationContext): ConfigSetting[] {
  return settings.map((s) => ({ ...s, value: validateSetting(s, ctx) }));
}

function lastValue(settings: readonly ConfigSetting[], key: IpcConfigKey): unknown {
  return settings.filter((s) => s.key === key).pop()?.value;
}

type MergedConfig = Omit<IpcConfig, 'socket'> & { socket: { mode: number } };

function mergeOverDefaults(settings: readonly ConfigSetting[]): MergedConfig {
  const merged = structuredClone(IPC_DEFAULTS) as unknown as Record<string, Record<string, unknown>>;
  for (const setting of settings) {
    const [section, field] = splitKey(setting.key);
    if (setting.key !== 'socket.path' && setting.key !== 'socket.appName') merged[section]![field] = setting.value;
  }
  return merged as unknown as MergedConfig;
}

function deepFreeze<T extends object>(config: T): T {
  for (const section of Object.values(config)) Object.freeze(section);
  return Object.freeze(config);
}

/**
 * One line for the listener's start log: socket path, mode and app name, the limits, rate
 * limit, timeouts and compat switches, e.g.
 * `socket /run/user/1000/acton/pricing/ipc.sock (mode 0o660, app pricing); limits: 1024 connections, ...`.
 * Keys are shown in `ipc.toml` terms so they can be looked up in the configuration docs.
 */
export function describeIpcConfig(config: IpcConfig): string {
  const { socket, limits, rateLimit, timeouts, shutdown, compat } = config;
  const rate = rateLimit.enabled
    ? `${rateLimit.requestsPerSecond}/s per connection, burst ${rateLimit.burstSize}`
    : 'off';
  return [
    `socket ${socket.path} (mode 0o${socket.mode.toString(8).padStart(3, '0')}, app ${socket.appName})`,
    `limits: max_connections=${limits.maxConnections}, max_message_size=${limits.maxMessageSize} bytes, ` +
      `push_buffer_size=${limits.pushBufferSize}`,
    `rate limit: ${rate}`,
    `timeouts: read=${ms(timeouts.readTimeoutMs)}, subscription_read=${ms(timeouts.subscriptionReadTimeoutMs)}, ` +
      `write=${ms(timeouts.writeTimeoutMs)}, drain=${shutdown.drainTimeoutMs} ms`,
    `compat: serial=${compat.serial}, handler_errors=${compat.handlerErrors}`,
  ].join('; ');
}

function ms(value: number): string {
  return value === 0 ? 'none' : `${value} ms`;
}
