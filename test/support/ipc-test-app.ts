import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActonApp, bootstrap, IpcModule, IpcModuleOptions, Logger, Module, Type } from 'acton-ts';
import { RawFrameClient } from './raw-frame-client';

/** A running app with an IPC listener on a private temporary socket. */
export interface IpcTestApp {
  readonly app: ActonApp;
  readonly socketPath: string;
  readonly logs: string[];
  /** A new raw connection to the app's socket; closed by `close()`. */
  connect(): Promise<RawFrameClient>;
  /** Closes every client opened by `connect()` and the app. */
  close(): Promise<void>;
}

/** A logger that records lines (warn and error also go nowhere else: tests stay quiet). */
export function recordingLogger(lines: string[]): Logger {
  const record = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
}

/**
 * Isolates the IPC configuration from the machine: no ipc.toml is found (XDG dirs point at an
 * empty temp dir) and the ACTON_* variables are unset. Returns the undo.
 */
export function isolateIpcEnvironment(): () => void {
  const saved = { ...process.env };
  const empty = mkdtempSync(join(tmpdir(), 'acton-ipc-env-'));
  process.env.XDG_CONFIG_HOME = empty;
  process.env.XDG_CONFIG_DIRS = empty;
  for (const name of ['ACTON_IPC_SOCKET', 'ACTON_APP_NAME', 'ACTON_IPC_CONFIG']) delete process.env[name];
  return () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  };
}

/** How `startIpcTestApp` places the socket. */
export interface IpcTestAppPlacement {
  /**
   * Leave `socket.path` unset, so the listener derives it from the app name (docs/protocol.md
   * §5.6); `socketPath` is then the derived one. Default: a fresh path in a new temp dir.
   */
  readonly derivePathFromAppName?: boolean;
}

/**
 * Bootstraps `actors` with `IpcModule.forRoot(options)` on a fresh socket in a new temp dir
 * (unless `options.socket.path` is given, or `placement` asks for the derived path). Rate
 * limiting is off unless configured, so tests can send bursts.
 */
export async function startIpcTestApp(
  actors: readonly Type[],
  options: IpcModuleOptions = {},
  placement: IpcTestAppPlacement = {},
): Promise<IpcTestApp> {
  const logs: string[] = [];
  const explicitPath = placement.derivePathFromAppName
    ? undefined
    : (options.socket?.path ?? join(mkdtempSync(join(tmpdir(), 'acton-ipc-')), 'ipc.sock'));
  const forRoot: IpcModuleOptions = {
    logger: recordingLogger(logs),
    ...options,
    socket: { appName: 'ipc-test', ...options.socket, ...(explicitPath === undefined ? {} : { path: explicitPath }) },
    rateLimit: { enabled: false, ...options.rateLimit },
  };
  @Module({ imports: [IpcModule.forRoot(forRoot)], actors: [...actors] })
  class TestModule {}
  const app = await bootstrap(TestModule);
  const socketPath = explicitPath ?? app.listener!.socketPath;
  const clients: RawFrameClient[] = [];
  return {
    app,
    socketPath,
    logs,
    connect: async () => {
      const client = await RawFrameClient.connect(socketPath);
      clients.push(client);
      return client;
    },
    close: async () => {
      await Promise.all(clients.map((client) => client.close()));
      await app.close();
    },
  };
}

/**
 * Runs `run` against a test app of `actors` (`startIpcTestApp(actors, options)`) in an isolated
 * IPC environment; closes the app and restores the environment afterwards, whatever happened.
 */
export async function withIpcTestApp(
  actors: readonly Type[],
  options: IpcModuleOptions,
  run: (t: IpcTestApp) => Promise<void>,
): Promise<void> {
  const restore = isolateIpcEnvironment();
  const t = await startIpcTestApp(actors, options);
  try {
    await run(t);
  } finally {
    await t.close();
    restore();
  }
}

/** Receives the suite's shared app once it is up, and a fresh raw connection before each test. */
export interface SharedIpcTestAppHooks {
  onApp(app: IpcTestApp): void;
  onClient?(client: RawFrameClient): void;
}

/**
 * Registers the usual suite hooks: an isolated environment and one app for the whole `describe`
 * (`beforeAll` / `afterAll`), and, with `onClient`, a new raw connection before each test.
 */
export function useSharedIpcTestApp(
  actors: readonly Type[],
  hooks: SharedIpcTestAppHooks,
  options?: IpcModuleOptions,
): void {
  let restore: () => void;
  let shared: IpcTestApp;
  beforeAll(async () => {
    restore = isolateIpcEnvironment();
    shared = await startIpcTestApp(actors, options);
    hooks.onApp(shared);
  });
  if (hooks.onClient) beforeEach(async () => hooks.onClient!(await shared.connect()));
  afterAll(async () => {
    await shared?.close();
    restore();
  });
}
