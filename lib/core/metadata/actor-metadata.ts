import 'reflect-metadata';
import { MetadataKeys, ownMetadata } from './metadata-keys';
import { ResolvedSupervision, resolveSupervision, SupervisionOptions } from './supervision-options';

/** Default bound of an actor's queued (not yet running) messages. */
export const DEFAULT_MAILBOX_CAPACITY = 1024;

/** What `@Actor({...})` accepts; every key is optional. */
export interface ActorOptions {
  /** Registered (and, when exposed, IPC) name. Default: see `defaultActorName`. */
  readonly name?: string;
  /** Callable from other processes through the IPC listener; default `true`. */
  readonly expose?: boolean;
  /** Queued messages before deliveries fail with `TARGET_BUSY`; positive integer, default 1024. */
  readonly mailboxCapacity?: number;
  /** Placement when the app joins a cluster (`acton-ts/cluster`); default `singleton`. */
  readonly cluster?: ClusterPlacement;
  /** Restart after a failure (see `SupervisionOptions`); absent: the actor resumes (keeps its state). */
  readonly supervision?: SupervisionOptions;
  /** `cluster: 'keyed'` only: milliseconds without messages before an activation passivates; default 60000. */
  readonly idleTimeoutMs?: number;
  /**
   * `cluster: 'keyed'` only: activations at once on one node; default 100000. Beyond it a call to a
   * new key waits (until its deadline) while the least recently used idle key passivates.
   */
  readonly maxActiveKeys?: number;
  /** `cluster: 'keyed'` only: longest key in characters; default 256. */
  readonly maxKeyLength?: number;
}

/**
 * Where a cluster runs an actor: one owner, one per node behind a queue group, one activation
 * per key (`keyed`, virtual actors addressed as `name/key`), or nowhere else.
 */
export type ClusterPlacement = 'singleton' | 'replicated' | 'keyed' | 'local';

const CLUSTER_PLACEMENTS: readonly ClusterPlacement[] = ['singleton', 'replicated', 'keyed', 'local'];

/** Default `idleTimeoutMs` of keyed actors. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
/** Default `maxActiveKeys` of keyed actors (per actor type, per node). */
export const DEFAULT_MAX_ACTIVE_KEYS = 100_000;
/** Default `maxKeyLength` of keyed actors. */
export const DEFAULT_MAX_KEY_LENGTH = 256;

/** The limits of a keyed actor, defaults applied. */
export interface KeyedLimits {
  readonly idleTimeoutMs: number;
  readonly maxActiveKeys: number;
  readonly maxKeyLength: number;
}

function resolveKeyedLimits(className: string, options: ActorOptions): KeyedLimits {
  const positive = (option: 'idleTimeoutMs' | 'maxActiveKeys' | 'maxKeyLength', fallback: number): number => {
    const value = options[option] ?? fallback;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new Error(`@Actor on ${className}: ${option} must be a positive integer (got ${String(value)})`);
    }
    return value;
  };
  return {
    idleTimeoutMs: positive('idleTimeoutMs', DEFAULT_IDLE_TIMEOUT_MS),
    maxActiveKeys: positive('maxActiveKeys', DEFAULT_MAX_ACTIVE_KEYS),
    maxKeyLength: positive('maxKeyLength', DEFAULT_MAX_KEY_LENGTH),
  };
}

/** `ActorOptions` with every default applied. */
export interface ResolvedActorOptions {
  readonly name: string;
  readonly expose: boolean;
  readonly mailboxCapacity: number;
  readonly cluster?: ClusterPlacement;
  /** Absent: resume after a failure. */
  readonly supervision?: ResolvedSupervision;
  /** Present when `cluster` is `'keyed'`. */
  readonly keyed?: KeyedLimits;
}

/**
 * Validates and completes `@Actor` options for `target`.
 * @throws Error naming the class when `name` is empty, `mailboxCapacity` is not a positive integer
 *   or a `supervision` value is invalid
 */
export function resolveActorOptions(target: Function, options: ActorOptions): ResolvedActorOptions {
  const name = options.name ?? defaultActorName(target.name);
  if (typeof name !== 'string' || name.length === 0) {
    throw new Error(`@Actor on ${target.name}: name must be a non-empty string (got ${JSON.stringify(name)})`);
  }
  const mailboxCapacity = options.mailboxCapacity ?? DEFAULT_MAILBOX_CAPACITY;
  if (!Number.isSafeInteger(mailboxCapacity) || mailboxCapacity < 1) {
    throw new Error(
      `@Actor on ${target.name}: mailboxCapacity must be a positive integer (got ${String(mailboxCapacity)})`,
    );
  }
  const { cluster } = options;
  if (cluster !== undefined && !CLUSTER_PLACEMENTS.includes(cluster)) {
    throw new Error(
      `@Actor on ${target.name}: cluster must be one of ${CLUSTER_PLACEMENTS.join(', ')} (got ${JSON.stringify(cluster)})`,
    );
  }
  const keyedOnly = (['idleTimeoutMs', 'maxActiveKeys', 'maxKeyLength'] as const).find(
    (key) => options[key] !== undefined,
  );
  if (cluster !== 'keyed' && keyedOnly) {
    throw new Error(
      `@Actor on ${target.name}: ${keyedOnly} applies to keyed actors only; add cluster: 'keyed' or remove it`,
    );
  }
  const keyed = cluster === 'keyed' ? resolveKeyedLimits(target.name, options) : undefined;
  const supervision = options.supervision && resolveSupervision(target.name, options.supervision);
  return {
    name,
    expose: options.expose ?? true,
    mailboxCapacity,
    ...(cluster !== undefined && { cluster }),
    ...(keyed && { keyed }),
    ...(supervision && { supervision }),
  };
}

/** Stores the resolved `@Actor` options on the class. */
export function defineActor(target: Function, options: ResolvedActorOptions): void {
  Reflect.defineMetadata(MetadataKeys.ACTOR, options, target);
}

/** The `@Actor` options declared on exactly this class, or `undefined` when it has none. */
export function actorOptionsOf(target: Function): ResolvedActorOptions | undefined {
  return ownMetadata<ResolvedActorOptions>(MetadataKeys.ACTOR, target);
}

/**
 * The name an actor gets when `@Actor` is given no name: the class name without a trailing
 * `Actor`, in snake_case. `PriceFeedActor` → `price_feed`, `HTTPGatewayActor` → `http_gateway`,
 * `Calculator` → `calculator`, `Actor` → `actor`.
 */
export function defaultActorName(className: string): string {
  const base =
    className.length > 'Actor'.length && className.endsWith('Actor') ? className.slice(0, -'Actor'.length) : className;
  return base
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .toLowerCase();
}
