import type { SecurityConfig } from './security-config';

/**
 * The listener's resolved configuration: acton-reactive's `ipc.toml` sections and keys
 * (PROTOCOL.md §5.7) in camelCase, plus our `compat` switches (§0).
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

/** Recursively optional, for option objects that override only some keys. */
export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** What `IpcModule.forRoot()` accepts: any subset of `IpcConfig`, plus where to read a config file. */
export type IpcConfigOverrides = DeepPartial<IpcConfig> & {
  /** Explicit `ipc.toml` path; beats `ACTON_IPC_CONFIG` and the XDG search. */
  readonly configFile?: string;
};
