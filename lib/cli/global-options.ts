import { InvalidArgumentError } from 'commander';
import { resolveSocketPath } from '../client/resolve-socket-path';
import { CliFailure } from './cli-failure';
import { ExitCode } from './exit-code';

/** The options every `acton` command accepts (before or after the command name). */
export interface GlobalOptions {
  /** `--socket <path>`: the server's Unix socket. */
  readonly socket?: string;
  /** `--app <name>`: the server's app name (default socket path, docs/protocol.md §5.6). */
  readonly app?: string;
  /** `--timeout <ms>`: deadline of each call. */
  readonly timeout?: number;
  /** `--msgpack`: write MessagePack frames instead of JSON. */
  readonly msgpack?: boolean;
}

/** Environment variable naming the server's socket, shared with the server and the Python client. */
export const SOCKET_ENV = 'ACTON_IPC_SOCKET';

/**
 * The socket to use: `--socket`, else the default path of `--app`, else `$ACTON_IPC_SOCKET`.
 * @throws CliFailure (usage, exit 2) when none is given, saying how to point at a server
 */
export function serverSocketPath(
  options: GlobalOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  if (options.socket) return options.socket;
  if (options.app) return resolveSocketPath({ appName: options.app }, env);
  const fromEnv = env[SOCKET_ENV];
  if (fromEnv) return fromEnv;
  throw new CliFailure(ExitCode.USAGE, 'no server given: acton does not know which socket to talk to', [
    `pass --socket /path/to/ipc.sock (the server prints its socket path at start), or --app <app name>, or set ${SOCKET_ENV}`,
  ]);
}

/**
 * Commander parser of a millisecond count (`--timeout`, `--interval`).
 * @throws InvalidArgumentError (commander reports it as a usage error) for anything but an integer ≥ 0
 */
export function parseMilliseconds(value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(ms))
    throw new InvalidArgumentError(`expected a whole number of milliseconds ≥ 0, got ${JSON.stringify(value)}`);
  return ms;
}

/**
 * Commander parser of a positive count (`--count`).
 * @throws InvalidArgumentError for anything but an integer ≥ 1
 */
export function parseCount(value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(count) || count < 1)
    throw new InvalidArgumentError(`expected a whole number ≥ 1, got ${JSON.stringify(value)}`);
  return count;
}
