import type { IpcConfigKey } from './ipc-config-keys';

/**
 * One configuration value as the user wrote it, before validation, with enough provenance for
 * an error message that names it in the user's own terms.
 */
export interface ConfigSetting {
  /** Which setting this is. */
  readonly key: IpcConfigKey;
  /** The name the user wrote: the TOML key (`limits.max_message_size`), the forRoot key
   * (`limits.maxMessageSize`) or the environment variable (`ACTON_IPC_SOCKET`). */
  readonly label: string;
  /** Where it was written, e.g. `/home/me/.config/acton/ipc.toml`, `the environment`, `IpcModule.forRoot()`. */
  readonly origin: string;
  /** The raw value (any type; the validator checks it). */
  readonly value: unknown;
}

/**
 * Receives what configuration resolution wants a human to see but is not fatal: unknown keys
 * (usually a typo) and clamped values as warnings, the config file used as info. The framework
 * `Logger` fits this shape.
 */
export interface ConfigLogger {
  warn(message: string): void;
  info?(message: string): void;
}
