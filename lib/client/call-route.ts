import type { ResponseBody, StreamFrameBody } from '../ipc/protocol';
import { IpcRequestError } from './ipc-request-error';

/**
 * Where a connection delivers what arrives for one correlation id (docs/protocol.md §3.5: routing is
 * by `correlation_id` only, answers may come in any order).
 */
export interface CallRoute {
  /** A `0x02` (`isError` false) or `0x03` (`isError` true) body with this id. */
  onResponse(body: ResponseBody, isError: boolean): void;
  /** A `0x09` frame with this id (stream calls only). */
  onStreamFrame?(body: StreamFrameBody): void;
  /** The connection went away before the call ended; `error` says why. */
  onConnectionLost(error: IpcRequestError): void;
}
