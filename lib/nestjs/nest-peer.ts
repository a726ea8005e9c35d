import { ActorError, ErrorCode, toActorError } from '../index';
import { isIpcRequestError } from '../client';
import { requireOptional } from '../core/runtime/optional-dependency';

/**
 * What `acton-ts/nestjs` takes from Nest: `@nestjs/microservices`, an optional peer dependency
 * loaded here (a project that never imports `acton-ts/nestjs` does not need it; Nest 12 ships ES
 * modules, which Node ≥ 20.19 can `require()` from this CommonJS build), and the mapping of
 * failures between Nest's `RpcException` and acton's error codes.
 */
type Microservices = typeof import('@nestjs/microservices');

const INSTALL = 'npm install @nestjs/common @nestjs/core @nestjs/microservices rxjs';

/** `@nestjs/microservices`, loaded on first use of `acton-ts/nestjs`. */
export const nestMicroservices: Microservices = requireOptional<Microservices>(
  '@nestjs/microservices',
  'acton-ts/nestjs',
  INSTALL,
);

/**
 * What a caller over acton sees of a Nest handler's failure. Nest's exception filters turn every
 * thrown error into `RpcException.getError()` (a string or an object) or, for errors that are
 * not `RpcException`s, into `{ status: 'error', message: 'Internal server error' }`. This maps:
 *
 * - an object with a string `code` → that `error_code`, its `message` as the text and its
 *   `details` (or `data`) as `error_details.data` (docs/protocol.md §0 D1), e.g.
 *   `throw new RpcException({ code: 'OUT_OF_STOCK', message: 'Out of stock: gizmo' })`;
 * - an `ActorError` (a filter may rethrow one) → itself;
 * - anything else (a string, Nest's internal-error object, an Error) → `HANDLER_ERROR` with its
 *   message.
 */
export function actorErrorFromNest(err: unknown): ActorError {
  if (err !== null && typeof err === 'object' && !(err instanceof Error)) {
    const { code, message, details, data } = err as Record<string, unknown>;
    const text = typeof message === 'string' ? message : typeof code === 'string' ? code : JSON.stringify(err);
    if (typeof code === 'string' && code !== '') return new ActorError(code, text, details ?? data, { cause: err });
    return new ActorError(ErrorCode.HANDLER_ERROR, text, undefined, { cause: err });
  }
  return toActorError(err); // an ActorError stays itself; any other Error or value is HANDLER_ERROR
}

/** The error object an `ActonClientProxy` call fails with: `RpcException.getError()` of it. */
export interface ActonRpcError {
  /**
   * The acton `error_code` (docs/protocol.md §4), an application code, or a local one
   * (`TIMEOUT`, `CONNECTION_CLOSED`).
   */
  readonly code: string;
  readonly message: string;
  /** The server's `error_details`, when it sent any. */
  readonly details?: unknown;
  /** `RATE_LIMITED` only: when to retry, ms. */
  readonly retryAfterMs?: number;
}

/**
 * Turns an `acton-ts/client` failure into the `RpcException` Nest code expects from a client
 * proxy; its `getError()` is an `ActonRpcError`, so `catchError((e) => e.getError().code)` works.
 * Errors that are not call failures (a programming mistake) pass through unchanged.
 */
export function rpcExceptionFromIpc(err: unknown): unknown {
  if (!isIpcRequestError(err)) return err;
  const error: ActonRpcError = {
    code: err.code,
    message: err.message,
    ...(err.details === undefined ? undefined : { details: err.details }),
    ...(err.retryAfterMs === undefined ? undefined : { retryAfterMs: err.retryAfterMs }),
  };
  return new nestMicroservices.RpcException(error);
}
