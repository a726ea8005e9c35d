import type { IpcConfig } from './ipc-config';
import { SECURITY_DEFAULTS } from './security-config';

/**
 * The protocol's hard payload limit: 16 MiB = 16 777 216 bytes (PROTOCOL.md §1.3). A configured
 * `limits.max_message_size` above it is clamped to it, because the effective inbound limit is
 * min(configured, hard).
 */
export const MAX_MESSAGE_SIZE_HARD_LIMIT = 16 * 1024 * 1024;

/** Every setting that has a fixed default: all of `IpcConfig` except the computed socket path and app name. */
export type IpcDefaults = Omit<IpcConfig, 'socket'> & { readonly socket: Pick<IpcConfig['socket'], 'mode'> };

/**
 * Built-in defaults, the lowest configuration layer. Values are acton-reactive's (PROTOCOL.md
 * §5.7 table); `compat` is ours (§0 D1, D2: report handler errors, dispatch concurrently).
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
  security: SECURITY_DEFAULTS,
});
