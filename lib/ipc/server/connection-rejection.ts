import type { Socket } from 'node:net';
import { ErrorCode } from '../../core/errors/error-code';
import { JSON_CODEC } from '../protocol/json-codec';
import { ConnectionRejectedPayload, MessageType, ReservedCorrelationId, ResponseBody } from '../protocol/wire-types';

/** The reference spends at most this long writing the rejection frame (docs/protocol.md §5.2). */
export const REJECTION_WRITE_BUDGET_MS = 250;

/**
 * The frame a connection over `limits.max_connections` receives before the client sent
 * anything (§5.2): `0x03`, v2, always JSON, with `payload: {"limit": N}`.
 */
export function connectionRejectionFrame(limit: number): Buffer {
  const payload: ConnectionRejectedPayload = { limit };
  const body: ResponseBody = {
    correlation_id: ReservedCorrelationId.CONNECTION_REJECTED,
    success: false,
    error: `Server refused the connection: connection limit reached (${limit} concurrent connections)`,
    error_code: ErrorCode.CONNECTION_LIMIT_REACHED,
    payload,
  };
  return JSON_CODEC.encodeFrame(MessageType.ERROR, body);
}

/**
 * The frame a connection refused by the security policy's admission receives (docs/protocol.md
 * §11.2): `0x03`, always JSON, the reserved rejection id, `error_code` `ACCESS_DENIED`.
 */
export function accessDeniedRejectionFrame(reason: string): Buffer {
  const body: ResponseBody = {
    correlation_id: ReservedCorrelationId.CONNECTION_REJECTED,
    success: false,
    error: reason,
    error_code: ErrorCode.ACCESS_DENIED,
  };
  return JSON_CODEC.encodeFrame(MessageType.ERROR, body);
}

/**
 * Refuses an accepted socket: writes `frame` (one of the rejection frames above), spending at
 * most 250 ms on it, then closes without reading anything (§5.2, §11.2).
 */
export function rejectConnection(socket: Socket, frame: Buffer): void {
  socket.on('error', () => undefined); // a peer that already left is not our problem
  socket.pause();
  const timer = setTimeout(() => socket.destroy(), REJECTION_WRITE_BUDGET_MS);
  timer.unref();
  socket.end(frame, () => {
    clearTimeout(timer);
    socket.destroy();
  });
}
