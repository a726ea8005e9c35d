import type { ConfigSetting } from './config-setting';

/** The environment a resolution reads; `process.env` fits. */
export type IpcEnv = Readonly<Record<string, string | undefined>>;

/** Environment variables the IPC configuration honours (PROTOCOL.md §5.6, §5.7; DESIGN.md). */
export const IPC_ENV_VARS = Object.freeze({
  /** Socket path; beats `socket.path` from `ipc.toml`, loses to `IpcModule.forRoot()`. */
  socketPath: 'ACTON_IPC_SOCKET',
  /** App name (default socket path, per-app config directory); beats `socket.app_name` from `ipc.toml`. */
  appName: 'ACTON_APP_NAME',
  /** Path of the `ipc.toml` to read instead of the XDG search; must exist. */
  configFile: 'ACTON_IPC_CONFIG',
});

/**
 * The value of an environment variable, treating set-but-empty as unset (as shells make it easy
 * to export an empty variable by accident, and as our clients do for `XDG_RUNTIME_DIR`, §5.6).
 */
export function envValue(env: IpcEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The environment layer: `ACTON_IPC_SOCKET` → `socket.path`, `ACTON_APP_NAME` → `socket.appName`.
 * Values are not validated here.
 */
export function envSettings(env: IpcEnv): ConfigSetting[] {
  const settings: ConfigSetting[] = [];
  const socketPath = envValue(env, IPC_ENV_VARS.socketPath);
  if (socketPath !== undefined) settings.push(fromEnv('socket.path', IPC_ENV_VARS.socketPath, socketPath));
  const appName = envValue(env, IPC_ENV_VARS.appName);
  if (appName !== undefined) settings.push(fromEnv('socket.appName', IPC_ENV_VARS.appName, appName));
  return settings;
}

function fromEnv(key: ConfigSetting['key'], name: string, value: string): ConfigSetting {
  return { key, label: name, origin: 'the environment', value };
}
