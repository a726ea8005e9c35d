import { ErrorCode } from './error-code';

/** Options of an `ActorError` beyond code, message and data. */
export interface ActorErrorOptions {
  /** The underlying error, kept for logs and for `error_details.name` (docs/protocol.md §0 D1). */
  readonly cause?: unknown;
}

/**
 * The one error class of acton-ts (tRPC's `TRPCError` is the model): every failure that a
 * caller can see carries a `code` from the `ErrorCode` table, or an application's own code
 * (e.g. `'PRODUCT_NOT_FOUND'`), and a human-readable `message`.
 *
 * A handler that throws an `ActorError` reaches IPC callers with exactly this `code`, `message`
 * and `data` (docs/protocol.md §0 D1); any other thrown error becomes `HANDLER_ERROR` (see
 * `toActorError`).
 *
 * @example throw new ActorError('OUT_OF_STOCK', 'Out of stock: gizmo', { available: 0 });
 */
export class ActorError extends Error {
  /** Always `'ActorError'`. */
  override readonly name = 'ActorError';
  /** A built-in `ErrorCode` or an application-defined code string. */
  readonly code: ErrorCode | string;
  /** Optional structured details; sent to IPC callers as `error_details.data`. */
  readonly data?: unknown;

  /**
   * @param code built-in `ErrorCode` or any application code string
   * @param message the text callers see (the IPC `error` field), without prefixes
   * @param data JSON-serializable details, optional
   * @param options `cause`: the error this one wraps
   */
  constructor(code: ErrorCode | string, message: string, data?: unknown, options?: ActorErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (data !== undefined) this.data = data;
  }
}

/** True for an `ActorError`, also one created by another copy of this library. */
export function isActorError(err: unknown): err is ActorError {
  return (
    err instanceof ActorError ||
    (err instanceof Error && err.name === 'ActorError' && typeof (err as { code?: unknown }).code === 'string')
  );
}

/**
 * Maps anything a handler threw to an `ActorError`: an `ActorError` is returned as it is;
 * any other value becomes `HANDLER_ERROR` with the thrown message (no prefix) and the original
 * as `cause` (docs/protocol.md §0 D1: `error` = exactly the thrown message). Never throws.
 */
export function toActorError(err: unknown): ActorError {
  if (isActorError(err)) return err;
  const message = err instanceof Error ? err.message : describeThrown(err);
  return new ActorError(ErrorCode.HANDLER_ERROR, message, undefined, { cause: err });
}

/**
 * Class name of whatever was thrown, for `error_details.name` (docs/protocol.md §0 D1): the
 * constructor's name first, then the error's `name`.
 */
export function thrownName(err: unknown): string {
  if (err instanceof Error) return err.constructor?.name || err.name || 'Error';
  if (err === null) return 'null';
  return typeof err === 'object' ? (err.constructor?.name ?? 'Object') : typeof err;
}

function describeThrown(err: unknown): string {
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}
