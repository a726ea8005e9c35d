import { defaultSocketPath } from '../ipc/config/socket-location';
import { ConnectTarget } from './client-options';

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
