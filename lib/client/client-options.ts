import { DEFAULT_RESPONSE_TIMEOUT_MS } from '../ipc/protocol';
import { TransportFactory } from './transport';
import { connectUnixSocket } from './unix-socket-transport';
import { defaultSocketPath } from '../ipc/config/socket-location';

/** Where to connect: an explicit socket path, or a server's app name (docs/protocol.md §5.6). */
export type ConnectTarget = { readonly socketPath: string } | { readonly appName: string };

/** Reconnection after the connection drops; exponential backoff with full jitter. */
export interface ReconnectOptions {
  /** First delay, ms; default 50. */
  readonly initialDelayMs?: number;
  /** Largest delay, ms; default 5000. */
  readonly maxDelayMs?: number;
  /** Attempts before giving up (the client then goes `closed`); default: unlimited. */
  readonly maxAttempts?: number;
}

/** Options of `ActonClient.connect`. */
export interface ClientOptions {
  /** Format of the frames the client writes; default `json`. Answers are read in whatever format they come (§1.4). */
  readonly format?: 'json' | 'msgpack';
  /** Deadline of each call when it gives none, ms; default 30000 (the protocol's default `response_timeout_ms`). */
  readonly defaultTimeoutMs?: number;
  /**
   * `true` (default) / options: reconnect after a drop; `false`: a drop closes the client. A
   * reconnection the server refuses at admission (`ACCESS_DENIED`) closes the client with it.
   */
  readonly reconnect?: boolean | ReconnectOptions;
  /** Keep-alive heartbeat when the client wrote nothing for this long, ms; default 15000; 0 disables. */
  readonly heartbeatIntervalMs?: number;
  /** Bound on opening a connection (socket connect + admission check), ms; default 5000. */
  readonly connectTimeoutMs?: number;
  /** Environment used to resolve `{ appName }` (`XDG_RUNTIME_DIR`); default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The byte pipe; default: a Unix domain socket. */
  readonly transportFactory?: TransportFactory;
}

/** `ClientOptions` with every default applied. */
export interface ResolvedClientOptions {
  readonly format: 'json' | 'msgpack';
  readonly defaultTimeoutMs: number;
  /** `undefined` when reconnection is off. */
  readonly reconnect?: Required<ReconnectOptions>;
  readonly heartbeatIntervalMs: number;
  readonly connectTimeoutMs: number;
  readonly transportFactory: TransportFactory;
}

/** Default reconnect backoff: 50 ms doubling to a 5 s cap, unlimited attempts. */
export const DEFAULT_RECONNECT: Required<ReconnectOptions> = Object.freeze({
  initialDelayMs: 50,
  maxDelayMs: 5_000,
  maxAttempts: Infinity,
});

/**
 * Applies the defaults and checks the numbers.
 * @throws RangeError naming the option when a value is negative, not a number, or `format` is unknown
 */
export function resolveClientOptions(options: ClientOptions = {}): ResolvedClientOptions {
  const format = options.format ?? 'json';
  if (format !== 'json' && format !== 'msgpack')
    throw new RangeError(`ActonClient option format must be 'json' or 'msgpack', got ${JSON.stringify(format)}`);
  const reconnect =
    options.reconnect === false
      ? undefined
      : {
          ...DEFAULT_RECONNECT,
          ...(options.reconnect === true || options.reconnect === undefined ? {} : options.reconnect),
        };
  const resolved: ResolvedClientOptions = {
    format,
    defaultTimeoutMs: nonNegative('defaultTimeoutMs', options.defaultTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS),
    reconnect,
    heartbeatIntervalMs: nonNegative('heartbeatIntervalMs', options.heartbeatIntervalMs ?? 15_000),
    connectTimeoutMs: nonNegative('connectTimeoutMs', options.connectTimeoutMs ?? 5_000),
    transportFactory: options.transportFactory ?? connectUnixSocket,
  };
  if (reconnect) {
    nonNegative('reconnect.initialDelayMs', reconnect.initialDelayMs);
    nonNegative('reconnect.maxDelayMs', reconnect.maxDelayMs);
    nonNegative('reconnect.maxAttempts', reconnect.maxAttempts);
  }
  return resolved;
}

function nonNegative(name: string, value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new RangeError(`ActonClient option ${name} must be a number ≥ 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The socket path of a `ConnectTarget`: `socketPath` as given, or the server's default path for
 * `appName` (`$XDG_RUNTIME_DIR/acton/<appName>/ipc.sock`, else under `/tmp`, docs/protocol.md §5.6).
 * @throws TypeError when neither a non-empty `socketPath` nor `appName` is given
 */
export function resolveSocketPath(
  target: ConnectTarget,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const socketPath = (target as { socketPath?: unknown }).socketPath;
  if (typeof socketPath === 'string' && socketPath.length > 0) return socketPath;
  const appName = (target as { appName?: unknown }).appName;
  if (typeof appName === 'string' && appName.length > 0) return defaultSocketPath(appName, env);
  throw new TypeError(
    'ActonClient.connect needs { socketPath: "/path/to/ipc.sock" } or { appName: "<the server app name>" }',
  );
}
