import type { IpcConfig } from './ipc-config';
import { SECURITY_TOML_KEYS } from './security-config';

/** One setting, named `<section>.<field>` in the camelCase of `IpcConfig`, e.g. `limits.maxMessageSize`. */
export type IpcConfigKey = {
  [S in keyof IpcConfig]: `${S}.${keyof IpcConfig[S] & string}`;
}[keyof IpcConfig];

/**
 * The `ipc.toml` name of every setting: acton-reactive's sections and snake_case keys
 * (PROTOCOL.md §5.7), plus our `compat` section (§0 D1, D2).
 */
export const TOML_KEYS: Readonly<Record<IpcConfigKey, string>> = Object.freeze({
  'socket.path': 'socket.path',
  'socket.mode': 'socket.mode',
  'socket.appName': 'socket.app_name',
  'limits.maxConnections': 'limits.max_connections',
  'limits.maxMessageSize': 'limits.max_message_size',
  'limits.pushBufferSize': 'limits.push_buffer_size',
  'rateLimit.enabled': 'rate_limit.enabled',
  'rateLimit.requestsPerSecond': 'rate_limit.requests_per_second',
  'rateLimit.burstSize': 'rate_limit.burst_size',
  'timeouts.requestTimeoutMs': 'timeouts.request_timeout_ms',
  'timeouts.readTimeoutMs': 'timeouts.read_timeout_ms',
  'timeouts.writeTimeoutMs': 'timeouts.write_timeout_ms',
  'timeouts.subscriptionReadTimeoutMs': 'timeouts.subscription_read_timeout_ms',
  'shutdown.drainTimeoutMs': 'shutdown.drain_timeout_ms',
  'compat.serial': 'compat.serial',
  'compat.handlerErrors': 'compat.handler_errors',
  ...SECURITY_TOML_KEYS,
});

/** Every setting key, in documentation order. */
export const IPC_CONFIG_KEYS: readonly IpcConfigKey[] = Object.freeze(Object.keys(TOML_KEYS) as IpcConfigKey[]);

const BY_TOML_NAME: ReadonlyMap<string, IpcConfigKey> = new Map(IPC_CONFIG_KEYS.map((key) => [TOML_KEYS[key], key]));

/** The setting a dotted `ipc.toml` name (`limits.max_connections`) stands for, or `undefined`. */
export function keyFromTomlName(tomlName: string): IpcConfigKey | undefined {
  return BY_TOML_NAME.get(tomlName);
}

/** The setting a dotted camelCase name (`limits.maxConnections`) stands for, or `undefined`. */
export function keyFromCodeName(codeName: string): IpcConfigKey | undefined {
  return (IPC_CONFIG_KEYS as readonly string[]).includes(codeName) ? (codeName as IpcConfigKey) : undefined;
}

/** Splits `limits.maxConnections` into `['limits', 'maxConnections']`. */
export function splitKey(key: IpcConfigKey): [keyof IpcConfig, string] {
  const dot = key.indexOf('.');
  return [key.slice(0, dot) as keyof IpcConfig, key.slice(dot + 1)];
}
