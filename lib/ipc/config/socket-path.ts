import * as path from 'node:path';

/**
 * Where a server with this app name listens when `socket.path` is not configured
 * (PROTOCOL.md §5.6): `$XDG_RUNTIME_DIR/acton/<appName>/ipc.sock`, or
 * `/tmp/acton/<appName>/ipc.sock` when `XDG_RUNTIME_DIR` is unset or empty (the Rust reference
 * would yield a relative path for empty; ours follows the Python/Node clients and uses /tmp).
 * Pure: reads nothing but `env`, so clients can use it to find a server by app name.
 *
 * @param appName the server's app name (see `resolveAppName`); used as one path segment
 * @param env environment to read `XDG_RUNTIME_DIR` from; default `process.env`
 */
export function defaultSocketPath(
  appName: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const runtimeDir = env.XDG_RUNTIME_DIR;
  return path.join(runtimeDir ? runtimeDir : '/tmp', 'acton', appName, 'ipc.sock');
}

export { resolveAppName } from './app-name';
