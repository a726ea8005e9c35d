import type { Socket } from 'node:net';

/** The connecting process as the kernel reports it (docs/protocol.md §5.8, §11.2). */
export interface PeerCredentials {
  readonly uid: number;
  readonly gid: number;
  /** Absent when the platform does not report it (or reports a negative pid). */
  readonly pid?: number;
}

/**
 * Reads a Unix socket peer's kernel credentials. Node has no API for `SO_PEERCRED` /
 * `getpeereid` (docs/protocol.md §9), so this calls libc through `koffi`, an optional peer
 * dependency that ships prebuilt binaries.
 */
export interface PeerCredentialsReader {
  /** Why credentials are never available here (once per process in the log), or `undefined`. */
  readonly unavailableReason?: string;
  /** The peer of an accepted socket, or `undefined` when the platform reports nothing. Never throws. */
  read(socket: Socket): PeerCredentials | undefined;
}

type Getter = (fd: number) => PeerCredentials | undefined;

// Linux <asm-generic/socket.h> (x86, arm, riscv): SOL_SOCKET = 1, SO_PEERCRED = 17.
const LINUX_SOL_SOCKET = 1;
const LINUX_SO_PEERCRED = 17;
// macOS <sys/un.h>: SOL_LOCAL = 0, LOCAL_PEERPID = 2.
const DARWIN_SOL_LOCAL = 0;
const DARWIN_LOCAL_PEERPID = 2;

let shared: PeerCredentialsReader | undefined;

/** The process-wide reader, built on first use (loads `koffi` and libc once). */
export function peerCredentialsReader(): PeerCredentialsReader {
  shared ??= buildReader(process.platform);
  return shared;
}

function buildReader(platform: NodeJS.Platform): PeerCredentialsReader {
  if (platform !== 'linux' && platform !== 'darwin') {
    return unavailable(`peer credentials are only read on Linux and macOS (this is ${platform})`);
  }
  let koffi: typeof import('koffi');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional peer dependency, loaded only here
    koffi = require('koffi') as typeof import('koffi');
  } catch (err) {
    return unavailable(
      `the optional package koffi could not be loaded (${errorText(err)}); run \`npm install koffi\` to get uid/gid/pid of IPC peers`,
    );
  }
  try {
    const getter = platform === 'linux' ? linuxGetter(koffi) : darwinGetter(koffi);
    return {
      read(socket) {
        const fd = fdOf(socket);
        if (fd === undefined) return undefined;
        try {
          return getter(fd);
        } catch {
          return undefined;
        }
      },
    };
  } catch (err) {
    return unavailable(`libc's peer-credential call could not be bound through koffi (${errorText(err)})`);
  }
}

function linuxGetter(koffi: typeof import('koffi')): Getter {
  const libc = loadFirst(koffi, ['libc.so.6', 'libc.so']);
  // An anonymous struct: koffi's type names are process-wide, so a named one would clash when this
  // module is evaluated twice in one process (two copies of acton-ts, or jest's per-file registries).
  const ucred = koffi.struct({ pid: 'int32', uid: 'uint32', gid: 'uint32' });
  const getsockopt = libc.func('getsockopt', 'int', [
    'int',
    'int',
    'int',
    koffi.out(koffi.pointer(ucred)),
    koffi.inout(koffi.pointer('uint32_t')),
  ]);
  return (fd) => {
    const out: { pid?: number; uid?: number; gid?: number } = {};
    const length = [koffi.sizeof(ucred)];
    if (getsockopt(fd, LINUX_SOL_SOCKET, LINUX_SO_PEERCRED, out, length) !== 0) return undefined;
    return credentials(out.uid!, out.gid!, out.pid);
  };
}

function darwinGetter(koffi: typeof import('koffi')): Getter {
  const libc = koffi.load('/usr/lib/libSystem.B.dylib');
  const getpeereid = libc.func('int getpeereid(int, _Out_ uint32_t *, _Out_ uint32_t *)');
  const getsockopt = libc.func('int getsockopt(int, int, int, _Out_ int32_t *, _Inout_ uint32_t *)');
  return (fd) => {
    const uid = [0];
    const gid = [0];
    if (getpeereid(fd, uid, gid) !== 0) return undefined;
    const pid = [-1];
    const ok = getsockopt(fd, DARWIN_SOL_LOCAL, DARWIN_LOCAL_PEERPID, pid, [4]) === 0;
    return credentials(uid[0]!, gid[0]!, ok ? pid[0] : undefined);
  };
}

/** §11.2: a missing or negative pid is absent. */
function credentials(uid: number, gid: number, pid: number | undefined): PeerCredentials {
  return pid !== undefined && pid > 0 ? Object.freeze({ uid, gid, pid }) : Object.freeze({ uid, gid });
}

function loadFirst(koffi: typeof import('koffi'), names: readonly string[]): ReturnType<typeof koffi.load> {
  let last: unknown;
  for (const name of names) {
    try {
      return koffi.load(name);
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

/** The file descriptor of a connected Unix socket (Node keeps it on the libuv handle). */
function fdOf(socket: Socket): number | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

function unavailable(reason: string): PeerCredentialsReader {
  return { unavailableReason: reason, read: () => undefined };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
