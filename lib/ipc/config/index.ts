/** Internal barrel of the IPC configuration (not part of the public `acton-ts` surface). */
export type { IpcConfig, IpcConfigOverrides, DeepPartial } from './ipc-config';
export { IPC_DEFAULTS, MAX_MESSAGE_SIZE_HARD_LIMIT, type IpcDefaults } from './ipc-defaults';
export { TOML_KEYS, IPC_CONFIG_KEYS, type IpcConfigKey } from './ipc-config-keys';
export type { ConfigLogger, ConfigSetting } from './config-setting';
export { IPC_ENV_VARS, type IpcEnv } from './ipc-env';
export { locateIpcToml, ipcTomlSearchPaths, type IpcTomlLocation } from './ipc-toml-locator';
export { loadIpcToml } from './ipc-toml-loader';
export { MAX_TIMEOUT_MS } from './ipc-config-validator';
export { resolveAppName, FALLBACK_APP_NAME, type AppNameSources } from './app-name';
export { defaultSocketPath } from './socket-path';
export { resolveIpcConfig, type ResolveIpcConfigOptions } from './resolve-ipc-config';
export { describeIpcConfig } from './describe-ipc-config';
