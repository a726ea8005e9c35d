/**
 * The IPC listener's configuration as one object: its shape (`IpcConfig`), the built-in
 * defaults, the name of every setting in code and in `ipc.toml`, and a setting as a user wrote
 * it. Loading lives in `ipc-config-sources.ts`, checking in `ipc-config-validation.ts`, the
 * layering in `resolve-ipc-config.ts`. A new section (e.g. `[security]`) is added here: a field
 * of `IpcConfig`, its defaults, its `TOML_KEYS` lines; then one rule per key in the validation.
 */

/**
 * The listener's resolved configuration: acton-reactive's `ipc.toml` sections and keys
 * (docs/protocol.md §5.7) in camelCase, plus our `compat` switches (§0).
 *
 * Resolution order, later wins: built-in defaults < `ipc.toml` < environment
 * (`ACTON_IPC_SOCKET`, `ACTON_APP_NAME`) < `IpcModule.forRoot({...})`.
 */
export interface IpcConfig {
  readonly socket: {
    /** Absolute path of the Unix socket (computed from `appName` when not configured, §5.6). */
    readonly path: string;
    /** File mode applied to the socket right after bind; default 0o660. */
    readonly mode: number;
    /** Application name used for the default socket path and in logs. */
    readonly appName: string;
  };
  readonly limits: {
    /** Concurrent admitted connections; default 1024. */
    readonly maxConnections: number;
    /** Largest accepted inbound payload in bytes (capped at 16 MiB); default 1 MiB. */
    readonly maxMessageSize: number;
    /** Push notifications buffered per connection before dropping; default 100. */
    readonly pushBufferSize: number;
  };
  readonly rateLimit: {
    readonly enabled: boolean;
    /** Token refill rate per connection, tokens/s; default 100. */
    readonly requestsPerSecond: number;
    /** Bucket capacity (and initial tokens); default 50. */
    readonly burstSize: number;
  };
  readonly timeouts: {
    /** Parsed for compatibility; not used (the envelope's `response_timeout_ms` governs, §2.2). */
    readonly requestTimeoutMs: number;
    /** Idle limit for connections without subscriptions; 0 = none; default 60000. */
    readonly readTimeoutMs: number;
    /** A connection whose pending writes make no progress this long is closed (D6); 0 = none. */
    readonly writeTimeoutMs: number;
    /** Idle limit for connections with subscriptions; 0 = none (default). */
    readonly subscriptionReadTimeoutMs: number;
  };
  readonly shutdown: {
    /** How long `shutdownGracefully()` waits for in-flight requests; default 5000. */
    readonly drainTimeoutMs: number;
  };
  /** Ready-made admission policy chosen in `ipc.toml` (docs/protocol.md §11.2); see `SecurityConfig`. */
  readonly security: SecurityConfig;
  readonly compat: {
    /** One request at a time per connection, like the reference (§0 D2); default false. */
    readonly serial: boolean;
    /** `reported` (D1, default) or `hidden` (the reference's no-reply IO_ERROR). */
    readonly handlerErrors: 'reported' | 'hidden';
  };
}

/** The ready-made policies the `[security]` section of `ipc.toml` can select (docs/protocol.md §11.2). */
export type SecurityPolicyName = 'none' | 'same_uid' | 'allow_list';

/**
 * The `[security]` section of `ipc.toml` (ours; acton-reactive 9.4 takes its policy in code):
 *
 * ```toml
 * [security]
 * policy = "allow_list"       # "none" (default) | "same_uid" | "allow_list"
 * allowed_uids = [1000, 1001] # allow_list: a peer whose uid OR gid is listed is admitted
 * allowed_gids = [100]
 * ```
 *
 * A policy given in code (`IpcModule.forRoot({ security: policy })`) replaces this section.
 */
export interface SecurityConfig {
  readonly policy: SecurityPolicyName;
  readonly allowedUids: readonly number[];
  readonly allowedGids: readonly number[];
}

/** Recursively optional, for option objects that override only some keys. */
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** What `IpcModule.forRoot()` accepts: any subset of `IpcConfig`, plus where to read a config file. */
export type IpcConfigOverrides = DeepPartial<IpcConfig> & {
  /** Explicit `ipc.toml` path; beats `ACTON_IPC_CONFIG` and the XDG search. */
  readonly configFile?: string;
};

/**
 * The protocol's hard payload limit: 16 MiB = 16 777 216 bytes (docs/protocol.md §1.3). A
 * configured `limits.max_message_size` above it is clamped to it, because the effective inbound
 * limit is min(configured, hard).
 */
export const MAX_MESSAGE_SIZE_HARD_LIMIT = 16 * 1024 * 1024;

/** Every setting that has a fixed default: all of `IpcConfig` except the computed socket path and app name. */
export type IpcDefaults = Omit<IpcConfig, 'socket'> & { readonly socket: Pick<IpcConfig['socket'], 'mode'> };

/**
 * Built-in defaults, the lowest configuration layer. Values are acton-reactive's
 * (docs/protocol.md §5.7 table); `compat` is ours (§0 D1, D2: report handler errors, dispatch concurrently).
 * `socket.path` and `socket.app_name` have no fixed default: they are computed (§5.6, see
 * `resolveAppName` and `defaultSocketPath`).
 */
export const IPC_DEFAULTS: IpcDefaults = Object.freeze({
  socket: Object.freeze({ mode: 0o660 }),
  limits: Object.freeze({ maxConnections: 1024, maxMessageSize: 1_048_576, pushBufferSize: 100 }),
  rateLimit: Object.freeze({ enabled: true, requestsPerSecond: 100, burstSize: 50 }),
  timeouts: Object.freeze({
    requestTimeoutMs: 30_000,
    readTimeoutMs: 60_000,
    writeTimeoutMs: 30_000,
    subscriptionReadTimeoutMs: 0,
  }),
  shutdown: Object.freeze({ drainTimeoutMs: 5_000 }),
  compat: Object.freeze({ serial: false, handlerErrors: 'reported' as const }),
  // No policy: the listener behaves exactly as without 9.4 (docs/protocol.md §11.2).
  security: Object.freeze({ policy: 'none' as const, allowedUids: Object.freeze([]), allowedGids: Object.freeze([]) }),
});

/** One setting, named `<section>.<field>` in the camelCase of `IpcConfig`, e.g. `limits.maxMessageSize`. */
export type IpcConfigKey = {
  [S in keyof IpcConfig]: `${S}.${keyof IpcConfig[S] & string}`;
}[keyof IpcConfig];

/**
 * The `ipc.toml` name of every setting: acton-reactive's sections and snake_case keys
 * (docs/protocol.md §5.7), plus our `compat` section (docs/protocol.md §0 D1, D2).
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
  'security.policy': 'security.policy',
  'security.allowedUids': 'security.allowed_uids',
  'security.allowedGids': 'security.allowed_gids',
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
