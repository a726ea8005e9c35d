import { Format, HEADER_V2_LENGTH, MAX_PROTOCOL_VERSION, MessageType } from './wire-types';

/**
 * One frame as a single Buffer: a v2 (7-byte) header then the payload.
 * Everything the server writes carries a v2 header, even replies to v1 frames (docs/protocol.md §1.5).
 * Does not check the size: callers keep payloads ≤ 16 MiB (§1.3).
 * @param payload bytes of the payload (copied once into the frame)
 */
export function encodeFrame(type: MessageType, format: Format, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(HEADER_V2_LENGTH + payload.length);
  writeHeader(frame, type, format, payload.length);
  frame.set(payload, HEADER_V2_LENGTH);
  return frame;
}

/**
 * Fast path for JSON: one frame whose payload is `json` as UTF-8, written straight into the
 * frame buffer (one allocation, no intermediate payload Buffer). Format byte 0x01.
 */
export function encodeJsonFrame(type: MessageType, json: string): Buffer {
  const length = Buffer.byteLength(json, 'utf8');
  const frame = Buffer.allocUnsafe(HEADER_V2_LENGTH + length);
  writeHeader(frame, type, Format.JSON, length);
  frame.write(json, HEADER_V2_LENGTH, length, 'utf8');
  return frame;
}

/** The server's heartbeat reply: v2, JSON format byte, empty payload (§2.4): `00 00 00 00 02 04 01`. */
export const HEARTBEAT_FRAME: Buffer = encodeFrame(MessageType.HEARTBEAT, Format.JSON, Buffer.alloc(0));

function writeHeader(frame: Buffer, type: MessageType, format: Format, length: number): void {
  frame.writeUInt32BE(length, 0);
  frame[4] = MAX_PROTOCOL_VERSION;
  frame[5] = type;
  frame[6] = format;
}
