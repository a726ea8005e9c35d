/**
 * Every `error_code` acton-ts puts on the wire or raises in-process.
 *
 * The protocol codes are acton-reactive's (docs/protocol.md §4); `ACCESS_DENIED` arrived with its
 * 9.4 admission and authorization (§11.2); `HANDLER_ERROR` (§0 D1) and `NODE_UNAVAILABLE` (a
 * cluster actor's owning node is gone) are ours.
 * Applications may raise their own codes (e.g. `PRODUCT_NOT_FOUND`) through `ActorError`;
 * those travel as plain strings, which is why `ActorError.code` is typed `ErrorCode | string`.
 */
export const ErrorCode = {
  UNKNOWN_MESSAGE_TYPE: 'UNKNOWN_MESSAGE_TYPE',
  ACTOR_NOT_FOUND: 'ACTOR_NOT_FOUND',
  SERIALIZATION_ERROR: 'SERIALIZATION_ERROR',
  TARGET_BUSY: 'TARGET_BUSY',
  TIMEOUT: 'TIMEOUT',
  RATE_LIMITED: 'RATE_LIMITED',
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  CONNECTION_LIMIT_REACHED: 'CONNECTION_LIMIT_REACHED',
  IO_ERROR: 'IO_ERROR',
  STREAM_ERROR: 'STREAM_ERROR',
  PROTOCOL_ERROR: 'PROTOCOL_ERROR',
  UNSUPPORTED_PROTOCOL_VERSION: 'UNSUPPORTED_PROTOCOL_VERSION',
  CONNECTION_CLOSED: 'CONNECTION_CLOSED',
  HANDLER_ERROR: 'HANDLER_ERROR',
  /** A security policy refused the connection or operation (acton-reactive 9.4, docs/protocol.md §11.2). */
  ACCESS_DENIED: 'ACCESS_DENIED',
  /** The node hosting the called actor left the cluster with the call in flight (docs/protocol.md §4). */
  NODE_UNAVAILABLE: 'NODE_UNAVAILABLE',
} as const;

/** One of the built-in error codes. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
