/** Internal barrel of the IPC configuration (not part of the public `acton-ts` surface). */
export {
  IPC_CONFIG_KEYS,
  IPC_DEFAULTS,
  MAX_MESSAGE_SIZE_HARD_LIMIT,
  TOML_KEYS,
  type ConfigLogger,
  type ConfigSetting,
  type DeepPartial,
  type IpcConfig,
  type IpcConfigKey,
  type IpcConfigOverrides,
  type IpcDefaults,
} from './ipc-config';
export {
  IPC_ENV_VARS,
  ipcTomlSearchPaths,
  loadIpcToml,
  locateIpcToml,
  type IpcEnv,
  type IpcTomlLocation,
} from './ipc-config-sources';
export { MAX_TIMEOUT_MS } from './ipc-config-validation';
export { defaultSocketPath, FALLBACK_APP_NAME, resolveAppName, type AppNameSources } from './socket-location';
export { describeIpcConfig, resolveIpcConfig, type ResolveIpcConfigOptions } from './resolve-ipc-config';
