import { Subscriber, TeardownLogic } from 'rxjs';
import { MessageType, newCorrelationId, RequestEnvelope, StreamFrameBody } from '../ipc/protocol';
import { startTimer } from './clamped-timer';
import { ClientConnection, ConnectionSettings } from './client-connection';
import { IpcRequestError } from './ipc-request-error';
import { errorFromResponse, errorFromStreamFrame, streamIdleError, streamTimeoutError } from './wire-errors';

/** What `openStream` needs besides the subscriber. */
export interface StreamCall {
  /** How to open the stream's own connection. */
  readonly settings: ConnectionSettings;
  /** Whole-stream deadline, ms; 0 = none (the envelope says what the server is told). */
  readonly timeoutMs: number;
  /** Longest silence before the first item and between items, ms; undefined = none. */
  readonly idleTimeoutMs?: number;
  /** The client's set of open stream connections (so `close()` can close them). */
  readonly connections: Set<ClientConnection>;
  /** Why the client is closed, once it is (a stream still opening then fails with it). */
  clientClosed(): IpcRequestError | undefined;
  /** The request envelope for the stream's correlation id (`expects_stream: true`). */
  envelope(correlationId: string): RequestEnvelope;
}

/**
 * Runs one request-stream for `subscriber` on a connection of its own (docs/protocol.md §3.4):
 * data frames → `next(payload)`; the final frame → `complete()`; an error frame, or a `0x03`
 * with the stream's id (rate limit, drain, bad envelope: sent before §3.4 applies) → `error`.
 * The deadline (unless 0: none) and the idle timeout are enforced locally. The returned teardown
 * closes the connection: the protocol has no cancel message, and a closed socket is what stops the
 * server's producer.
 */
export function openStream<T>(subscriber: Subscriber<T>, call: StreamCall): TeardownLogic {
  const id = newCorrelationId('str');
  let connection: ClientConnection | undefined;
  let cancelDeadline: (() => void) | undefined;
  let cancelIdle: (() => void) | undefined;
  const idleTimeoutMs = call.idleTimeoutMs;
  const restartIdle = (): void => {
    if (idleTimeoutMs === undefined) return;
    cancelIdle?.();
    cancelIdle = startTimer(idleTimeoutMs, () => fail(streamIdleError(idleTimeoutMs, id)));
  };
  let finished = false;

  const finish = (end: () => void): void => {
    if (finished) return;
    finished = true;
    cancelDeadline?.();
    cancelIdle?.();
    if (connection) {
      connection.unregister(id);
      call.connections.delete(connection);
      connection.close('the stream ended');
    }
    end();
  };
  const fail = (error: unknown): void => finish(() => subscriber.error(error));

  const onFrame = (frame: StreamFrameBody): void => {
    if (frame.error_code !== undefined || frame.error !== undefined) fail(errorFromStreamFrame(frame));
    else if (frame.is_final) finish(() => subscriber.complete());
    else {
      restartIdle();
      subscriber.next(frame.payload as T);
    }
  };

  ClientConnection.open(call.settings).then((opened) => {
    if (finished) {
      opened.close('the stream was unsubscribed before it started');
      return;
    }
    connection = opened;
    const closed = call.clientClosed();
    if (closed) return fail(forStream(closed, id));
    call.connections.add(opened);
    opened.register(id, {
      onResponse: (body) => fail(errorFromResponse(body)),
      onStreamFrame: onFrame,
      onConnectionLost: (error) => fail(forStream(error, id)),
    });
    if (call.timeoutMs > 0)
      cancelDeadline = startTimer(call.timeoutMs, () => fail(streamTimeoutError(call.timeoutMs, id)));
    restartIdle();
    try {
      opened.write(MessageType.REQUEST, call.envelope(id), id);
    } catch (error) {
      fail(error);
    }
  }, fail);

  return () => finish(() => undefined);
}

function forStream(error: IpcRequestError, correlationId: string): IpcRequestError {
  return new IpcRequestError({
    code: error.code,
    message: error.message,
    details: error.details,
    correlationId,
    cause: error,
  });
}
