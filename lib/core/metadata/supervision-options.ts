/**
 * Whether an actor is restarted when it ends (acton-reactive's `RestartPolicy`, OTP's child
 * restart types). It ends abnormally by a failure, normally by `ctx.stop()`:
 * - `permanent`: always restarted: after a failure, after a normal stop, and whenever its
 *   parent's strategy restarts its siblings;
 * - `transient`: restarted only after a failure (and with its siblings); a normal stop stops it
 *   for good;
 * - `temporary`: never restarted; it stops after a failure or a normal stop, and when its
 *   parent's strategy restarts its siblings.
 * None restarts on its own when its parent stops or the app closes.
 */
export type RestartPolicy = 'permanent' | 'transient' | 'temporary';

/**
 * Which of a parent's children restart when one of them fails: `one-for-one` only that child,
 * `one-for-all` all of them, `rest-for-one` that child and those started after it.
 */
export type SupervisionStrategy = 'one-for-one' | 'one-for-all' | 'rest-for-one';

/** Exponential restart backoff: `minMs` doubling per consecutive restart up to `maxMs`. */
export interface BackoffOptions {
  /** Delay before the first restart, ms; default 100. */
  readonly minMs?: number;
  /** Largest delay, ms; default 30000. */
  readonly maxMs?: number;
  /** Random extra fraction, 0 … 1: a delay d becomes d × (1 + jitter × random), capped at `maxMs`; default 0. */
  readonly jitter?: number;
}

/** `@Actor({ supervision })`: how the actor is restarted after a failure. */
export interface SupervisionOptions {
  /** Default `permanent`. */
  readonly restart?: RestartPolicy;
  /** How this actor's children are restarted when one fails; default `one-for-one`. */
  readonly strategy?: SupervisionStrategy;
  /** Restarts allowed within `withinMs` before the actor stops and escalates; default 5. */
  readonly maxRestarts?: number;
  /** Window of `maxRestarts`, ms; default 60000. */
  readonly withinMs?: number;
  readonly backoff?: BackoffOptions;
  /** After this long without a failure the backoff starts again from `minMs`; default `withinMs`. */
  readonly resetAfterMs?: number;
}

/** `SupervisionOptions` with every default applied. */
export interface ResolvedSupervision {
  readonly restart: RestartPolicy;
  readonly strategy: SupervisionStrategy;
  readonly maxRestarts: number;
  readonly withinMs: number;
  readonly backoff: Required<BackoffOptions>;
  readonly resetAfterMs: number;
}

/** acton-reactive's defaults: 5 restarts in 60 s, backoff 100 ms doubling to 30 s. */
export const DEFAULT_SUPERVISION: ResolvedSupervision = Object.freeze({
  restart: 'permanent',
  strategy: 'one-for-one',
  maxRestarts: 5,
  withinMs: 60_000,
  backoff: Object.freeze({ minMs: 100, maxMs: 30_000, jitter: 0 }),
  resetAfterMs: 60_000,
});

const RESTART_POLICIES: readonly RestartPolicy[] = ['permanent', 'transient', 'temporary'];
const STRATEGIES: readonly SupervisionStrategy[] = ['one-for-one', 'one-for-all', 'rest-for-one'];

/**
 * Validates and completes `@Actor({ supervision })` for the class named `owner`.
 * @throws Error naming the class, the key and the accepted values when a value is invalid
 */
export function resolveSupervision(owner: string, options: SupervisionOptions): ResolvedSupervision {
  const fail = (key: string, value: unknown, expected: string): never => {
    throw new Error(`@Actor on ${owner}: supervision.${key} must be ${expected} (got ${JSON.stringify(value)})`);
  };
  if (options === null || typeof options !== 'object') fail('', options, 'an object');
  const restart = options.restart ?? DEFAULT_SUPERVISION.restart;
  if (!RESTART_POLICIES.includes(restart)) fail('restart', restart, `one of ${RESTART_POLICIES.join(', ')}`);
  const strategy = options.strategy ?? DEFAULT_SUPERVISION.strategy;
  if (!STRATEGIES.includes(strategy)) fail('strategy', strategy, `one of ${STRATEGIES.join(', ')}`);
  const count = (key: string, value: number): number =>
    Number.isSafeInteger(value) && value >= 0 ? value : fail(key, value, 'an integer >= 0');
  const ms = (key: string, value: number): number =>
    Number.isFinite(value) && value >= 0 ? value : fail(key, value, 'a number of ms >= 0');
  const withinMs = ms('withinMs', options.withinMs ?? DEFAULT_SUPERVISION.withinMs);
  const backoff = options.backoff ?? {};
  const minMs = ms('backoff.minMs', backoff.minMs ?? DEFAULT_SUPERVISION.backoff.minMs);
  const maxMs = ms('backoff.maxMs', backoff.maxMs ?? Math.max(minMs, DEFAULT_SUPERVISION.backoff.maxMs));
  if (maxMs < minMs) fail('backoff.maxMs', maxMs, `>= backoff.minMs (${minMs})`);
  const jitter = backoff.jitter ?? DEFAULT_SUPERVISION.backoff.jitter;
  if (!(Number.isFinite(jitter) && jitter >= 0 && jitter <= 1)) fail('backoff.jitter', jitter, 'a number from 0 to 1');
  return {
    restart,
    strategy,
    maxRestarts: count('maxRestarts', options.maxRestarts ?? DEFAULT_SUPERVISION.maxRestarts),
    withinMs,
    backoff: { minMs, maxMs, jitter },
    resetAfterMs: ms('resetAfterMs', options.resetAfterMs ?? withinMs),
  };
}
