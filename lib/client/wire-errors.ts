import { ErrorCode } from '../core/errors/error-code';
import { ErrorMessages } from '../core/errors/error-messages';
import type { ResponseBody, StreamFrameBody } from '../ipc/protocol';
import { IpcRequestError } from './ipc-request-error';

/**
 * The error of a `0x03` response or a connection rejection (docs/protocol.md §2.3, §5.2). A
 * rejection whose `payload.limit` is missing or not a number reports limit 0 (§4, as the Rust
 * client does).
 */
export function errorFromResponse(body: ResponseBody): IpcRequestError {
  const code = body.error_code ?? ErrorCode.PROTOCOL_ERROR;
  return new IpcRequestError({
    code,
    message: body.error ?? `The server answered ${body.correlation_id} with success:false and no error text`,
    details: code === ErrorCode.CONNECTION_LIMIT_REACHED ? { limit: limitOf(body.payload) } : body.error_details,
    retryAfterMs: typeof body.retry_after_ms === 'number' ? body.retry_after_ms : retryAfterFromText(body.error),
    correlationId: body.correlation_id,
  });
}

/** What a refused subscription is reported as when the server gives no `ACCESS_DENIED: ` reason. */
export const SUBSCRIPTION_REJECTED = 'SUBSCRIPTION_REJECTED';

/**
 * The error of a refused Subscribe / SubscribePatterns answer (§2.5, docs/protocol.md §11.1,
 * §11.2). These answers carry no `error_code`: a policy denial is the text `ACCESS_DENIED: <why>`
 * (code `ACCESS_DENIED`, message `<why>`); anything else (the 128-pattern limit, the pattern rate
 * limit) is `SUBSCRIPTION_REJECTED` with the server's text.
 */
export function errorFromSubscriptionResponse(body: ResponseBody): IpcRequestError {
  const text = body.error ?? `The server refused subscription ${body.correlation_id} without an error text`;
  const denied = /^ACCESS_DENIED: /.exec(text);
  return new IpcRequestError({
    code: denied ? ErrorCode.ACCESS_DENIED : SUBSCRIPTION_REJECTED,
    message: denied ? text.slice(denied[0].length) : text,
    correlationId: body.correlation_id,
  });
}

/** The error of a terminating `0x09` frame that carries `error_code` (docs/protocol.md §2.8, §3.4). */
export function errorFromStreamFrame(body: StreamFrameBody): IpcRequestError {
  return new IpcRequestError({
    code: body.error_code ?? ErrorCode.STREAM_ERROR,
    message: body.error ?? `Stream ${body.correlation_id} ended with an error frame without text`,
    details: body.error_details,
    correlationId: body.correlation_id,
  });
}

/** `CONNECTION_CLOSED`: the call's connection went away before its answer came. */
export function connectionClosedError(reason: string, correlationId?: string, cause?: unknown): IpcRequestError {
  return new IpcRequestError({
    code: ErrorCode.CONNECTION_CLOSED,
    message: `Connection closed: ${reason}`,
    correlationId,
    cause,
  });
}

/** Local `TIMEOUT` of a request (same text as the server's, docs/protocol.md §3.3). */
export function requestTimeoutError(timeoutMs: number, correlationId: string): IpcRequestError {
  return new IpcRequestError({
    code: ErrorCode.TIMEOUT,
    message: ErrorMessages.requestTimedOut(timeoutMs),
    correlationId,
  });
}

/** Local `TIMEOUT` of a whole stream (same text as the server's, docs/protocol.md §3.4). */
export function streamTimeoutError(timeoutMs: number, correlationId: string): IpcRequestError {
  return new IpcRequestError({
    code: ErrorCode.TIMEOUT,
    message: ErrorMessages.streamTimedOut(timeoutMs),
    correlationId,
  });
}

/** A stream's local idle timeout (`StreamCallOptions.idleTimeoutMs`) passed without an item. */
export function streamIdleError(idleTimeoutMs: number, correlationId: string): IpcRequestError {
  return new IpcRequestError({
    code: ErrorCode.TIMEOUT,
    message: `Stream idle for ${idleTimeoutMs} ms: no item arrived within idleTimeoutMs`,
    correlationId,
  });
}

function limitOf(payload: unknown): number {
  const limit = (payload as { limit?: unknown } | null | undefined)?.limit;
  return typeof limit === 'number' && Number.isFinite(limit) ? limit : 0;
}

/** Reference servers carry the wait only in the text: `Rate limit exceeded, retry after <n>ms` (§4, D4). */
function retryAfterFromText(text: string | undefined): number | undefined {
  const match = text === undefined ? null : /retry after (\d+)ms/.exec(text);
  return match ? Number(match[1]) : undefined;
}
