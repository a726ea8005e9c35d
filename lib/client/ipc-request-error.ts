import { ErrorCode } from '../core/errors/error-code';
import { ErrorMessages } from '../core/errors/error-messages';

/** What an `IpcRequestError` is built from (all but `code` and `message` optional). */
export interface IpcRequestErrorInit {
  /** A docs/protocol.md §4 code, `HANDLER_ERROR`, or an application's own code. */
  readonly code: ErrorCode | string;
  /** The server's `error` text, or a local description. */
  readonly message: string;
  /** The server's `error_details` (handler errors, §0 D1), or local details (e.g. `{ limit }`). */
  readonly details?: unknown;
  /** `RATE_LIMITED` only: milliseconds until the server accepts another request (§0 D4). */
  readonly retryAfterMs?: number;
  /** The id of the call that failed; absent for failures of the connection itself. */
  readonly correlationId?: string;
  /** The underlying error (socket error, encoder error), for logs. */
  readonly cause?: unknown;
}

/**
 * The one error every `ActonClient` call rejects with (tRPC's `TRPCError` is the model): branch
 * on `code`, never on the text.
 *
 * - Server codes (docs/protocol.md §4): `ACTOR_NOT_FOUND`, `UNKNOWN_MESSAGE_TYPE`,
 *   `SERIALIZATION_ERROR`, `TARGET_BUSY`, `TIMEOUT`, `RATE_LIMITED` (+ `retryAfterMs`),
 *   `SHUTTING_DOWN`, `CONNECTION_LIMIT_REACHED` (+ `details.limit`), `IO_ERROR`, `STREAM_ERROR`,
 *   `PROTOCOL_ERROR`, `UNSUPPORTED_PROTOCOL_VERSION`; handler errors (§0 D1): `HANDLER_ERROR` or
 *   the application's own code, with `details` = the server's `error_details` (`{ name, data? }`).
 * - Local codes: `TIMEOUT` (the deadline passed before an answer came), `CONNECTION_CLOSED`
 *   (the socket could not be opened, dropped, or the client was closed).
 *
 * "The handler ran but never replied" (`IO_ERROR`, `isNoReply`) is distinct from "the
 * connection failed" (`CONNECTION_CLOSED`, `isConnectionFailure`): only the former proves the
 * message reached the actor.
 */
export class IpcRequestError extends Error {
  /** Always `'IpcRequestError'`. */
  override readonly name = 'IpcRequestError';
  /** A built-in `ErrorCode` or an application-defined code string. */
  readonly code: ErrorCode | string;
  /** The server's `error_details`, or local details such as `{ limit }` / `{ socketPath }`. */
  readonly details?: unknown;
  /** `RATE_LIMITED`: milliseconds to wait before retrying. */
  readonly retryAfterMs?: number;
  /** The failed call's correlation id, when the failure belongs to one call. */
  readonly correlationId?: string;

  /** @param init code, message and the optional fields above */
  constructor(init: IpcRequestErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    if (init.details !== undefined) this.details = init.details;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.correlationId !== undefined) this.correlationId = init.correlationId;
  }

  /**
   * True when the handler finished without replying (`IO_ERROR` with the exact no-reply text,
   * docs/protocol.md §3.3): the message was delivered, there is just no answer.
   */
  get isNoReply(): boolean {
    return this.code === ErrorCode.IO_ERROR && this.message.includes(NO_REPLY_MARKER);
  }

  /**
   * True when the connection failed (could not be opened, dropped mid-call, or was closed):
   * whether the message reached the actor is unknown.
   */
  get isConnectionFailure(): boolean {
    return this.code === ErrorCode.CONNECTION_CLOSED;
  }
}

/** The substring reference clients match for the no-reply case (docs/protocol.md §3.3: MUST be preserved). */
const NO_REPLY_MARKER = ErrorMessages.NO_REPLY.replace(/^I\/O error: /, '');

/** True for an `IpcRequestError`, also one created by another copy of this library. */
export function isIpcRequestError(err: unknown): err is IpcRequestError {
  return (
    err instanceof IpcRequestError ||
    (err instanceof Error && err.name === 'IpcRequestError' && typeof (err as { code?: unknown }).code === 'string')
  );
}
