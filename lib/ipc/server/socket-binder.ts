import { chmodSync, lstatSync, mkdirSync, Stats, statSync, unlinkSync } from 'node:fs';
import { connect, Server } from 'node:net';
import { dirname } from 'node:path';

/** How long the liveness probe of an existing socket file may take (ms). */
const PROBE_TIMEOUT_MS = 1000;

/** A bound Unix socket file, remembered so that only our own file is removed later. */
export interface BoundSocket {
  readonly path: string;
  /** Inode of the file we created (another listener's later file is left alone). */
  readonly inode: number;
}

/**
 * Binds `server` to the Unix socket `path` the way docs/protocol.md §5.6 prescribes:
 * 1. create missing parent directories (default permissions);
 * 2. if a socket file exists, connect to it: a live listener → refuse to start
 *    ("Another IPC listener is already running at <path>"); a stale one → delete it;
 *    any other kind of file is an error and is NOT deleted;
 * 3. bind with a process umask that makes the file no more permissive than `mode` from its
 *    first instant (no window where others could connect), then chmod to exactly `mode`.
 * @throws Error naming the path and what to do, for each refusal above and for bind failures
 */
export async function bindUnixSocket(server: Server, path: string, mode: number): Promise<BoundSocket> {
  mkdirSync(dirname(path), { recursive: true });
  await clearStaleSocket(path);
  await listenRestricted(server, path, mode);
  chmodSync(path, mode);
  return { path, inode: statSync(path).ino };
}

/**
 * Deletes the socket file if it is still the one we bound (by inode). Never throws.
 * @returns whether a file was removed
 */
export function removeBoundSocket(bound: BoundSocket): boolean {
  try {
    const stats = lstatSync(bound.path);
    if (!stats.isSocket() || stats.ino !== bound.inode) return false;
    unlinkSync(bound.path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why `bound` is no longer the socket file this listener created at its path (removed, or
 * replaced by another file or another server's socket), or undefined while it still is. Reads
 * the file's metadata only: it opens no connection.
 */
export function boundSocketProblem(bound: BoundSocket): string | undefined {
  let stats;
  try {
    stats = lstatSync(bound.path);
  } catch (err) {
    return `${bound.path}: the socket file is gone (${(err as Error).message}); restart the app to bind it again`;
  }
  if (!stats.isSocket() || stats.ino !== bound.inode) {
    return `${bound.path} is no longer this listener's socket (another file or server replaced it)`;
  }
  return undefined;
}

/** True when something accepts connections on `path` (an ordinary, immediately closed connection). */
export function probeSocket(path: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const finish = (alive: boolean): void => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(alive);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

async function clearStaleSocket(path: string): Promise<void> {
  const stats = lstatOrUndefined(path);
  if (!stats) return;
  if (!stats.isSocket()) {
    throw new Error(
      `Cannot create the IPC socket at ${path}: a ${kindOf(stats)} already exists there and is not a socket; ` +
        'it was left untouched. Remove it or configure another socket.path (ACTON_IPC_SOCKET).',
    );
  }
  if (await probeSocket(path)) {
    throw new Error(
      `Another IPC listener is already running at ${path}; stop it first or configure another socket.path (ACTON_IPC_SOCKET / socket.app_name).`,
    );
  }
  try {
    unlinkSync(path); // stale: nobody accepts on it any more
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(
        `Cannot remove the stale IPC socket file ${path}: ${(err as Error).message}; remove it by hand.`,
        { cause: err },
      );
    }
  }
}

function listenRestricted(server: Server, path: string, mode: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(
        new Error(
          `Cannot bind the IPC socket at ${path}: ${err.message} (${err.code ?? 'error'}); check the directory's permissions or configure another socket.path.`,
          { cause: err },
        ),
      );
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    const restore = setUmask(0o777 & ~mode);
    try {
      server.listen(path); // binds synchronously, while the umask is in force
    } finally {
      restore();
    }
  });
}

/** Sets the process umask; returns the undo. In a worker thread (no umask) only the chmod applies. */
function setUmask(mask: number): () => void {
  try {
    const previous = process.umask(mask);
    return () => process.umask(previous);
  } catch {
    return () => undefined;
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`Cannot inspect ${path} before binding the IPC socket: ${(err as Error).message}`, { cause: err });
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symbolic link';
  if (stats.isFIFO()) return 'named pipe';
  return 'regular file';
}
