import type { ActonApp, ActorEntry } from './acton-app';

/**
 * A plug-in that a dynamic module (e.g. `IpcModule.forRoot()`) contributes to the app.
 * The core drives its lifecycle without knowing what it is, so `core/` never imports `ipc/`.
 *
 * Order: actors `onStart` → `extension.start(app)`; on `app.close()`:
 * `extension.drain(timeoutMs)` (stop taking new work, finish in-flight) → actors drained and
 * `onStop` → `extension.stop()`.
 */
export interface AppExtension {
  /** Key under which `app.extension(kind)` finds it; the IPC listener uses `'ipc'`. */
  readonly kind: string;
  start(app: ActonApp): Promise<void>;
  drain(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
  /** Optional: a child actor spawned with `{ expose: true }` after the start; serve it under `entry.name`. */
  actorExposed?(entry: ActorEntry): void;
  /** Optional: an actor stopped for good (supervision); stop serving it. */
  actorRemoved?(entry: ActorEntry): void;
  /**
   * Optional: figures of the calls this extension carries to other processes (the cluster), so
   * that other extensions can report them too (`listener.stats().remoteCalls`) without importing it.
   */
  remoteCallStats?(): RemoteCallStats;
}

/** Calls an app made to, and served for, other processes (nodes of its cluster). */
export interface RemoteCallStats {
  /** Calls sent to actors served elsewhere (ask, tell, stream; in-process and IPC callers). */
  readonly sent: number;
  /** Calls served here for callers elsewhere. */
  readonly received: number;
  /** Sent calls that failed, by error code. */
  readonly failed: Readonly<Record<string, number>>;
  /** Bytes of bodies sent / received. */
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Sent calls not finished yet. */
  readonly inFlight: number;
  /** Joins and losses of other nodes seen so far. */
  readonly membershipChanges: number;
}

/** A factory, evaluated once per app, so one module object can serve many apps (tests). */
export type AppExtensionFactory = () => AppExtension;

/**
 * Types of the extensions an app may carry, by kind. Empty in the core; a module that
 * contributes an extension adds its type by declaration merging, so `app.extension(kind)` and
 * `app.listener` are typed without the core importing that module:
 *
 * ```ts
 * declare module '../core/runtime/app-extension' {
 *   interface AppExtensions { ipc: IpcListener }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AppExtensions {}
