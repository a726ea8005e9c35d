import { ErrorCode } from '../../core/errors/error-code';

/**
 * A header that breaks the framing rules (docs/protocol.md §1.6 steps 2–5). The connection cannot be
 * resynchronised after one, so the server sends one error frame built from this (ours, §0 D3) and
 * closes. Reported by `FrameDecoder` as a value, never thrown.
 */
export interface FramingError {
  /** `UNSUPPORTED_PROTOCOL_VERSION` (step 2) or `PROTOCOL_ERROR` (steps 3–5). */
  readonly code: typeof ErrorCode.UNSUPPORTED_PROTOCOL_VERSION | typeof ErrorCode.PROTOCOL_ERROR;
  /** The `error` text put on the wire. */
  readonly message: string;
}

/** Lowercase, `0x`-prefixed, two hex digits, e.g. `0xff` (§4). */
export function hexByte(value: number): string {
  return `0x${value.toString(16).padStart(2, '0')}`;
}

/** Step 2: version byte not in 1..2 (§1.6, §4's exact text). */
export function unsupportedVersion(version: number): FramingError {
  return {
    code: ErrorCode.UNSUPPORTED_PROTOCOL_VERSION,
    message: `Unsupported protocol version ${hexByte(version)}, supported range: 0x01-0x02`,
  };
}

/**
 * Step 3: type byte not valid for the frame's version (§1.5: v1 carries 0x01–0x04, v2 0x01–0x0b
 * since 9.3, docs/protocol.md §11.1).
 */
export function invalidMessageType(type: number, version: number): FramingError {
  const allowed = version === 1 ? '0x01-0x04' : '0x01-0x0b';
  const hint = version === 1 && type >= 0x05 && type <= 0x0b ? '; send it with a v2 (7-byte) header' : '';
  return protocolError(
    `Invalid message type ${hexByte(type)} for protocol version ${hexByte(version)} (allowed: ${allowed})${hint}`,
  );
}

/** Step 4: format byte neither JSON (0x01) nor MessagePack (0x02). */
export function invalidFormat(format: number): FramingError {
  return protocolError(`Invalid format byte ${hexByte(format)} (expected 0x01 JSON or 0x02 MessagePack)`);
}

/** Step 5: `LEN` above the effective limit; the text names both sizes (§10 item 9). */
export function frameTooLarge(length: number, limit: number): FramingError {
  return protocolError(`Frame too large: ${length} > ${limit} bytes`);
}

function protocolError(detail: string): FramingError {
  return { code: ErrorCode.PROTOCOL_ERROR, message: `Protocol error: ${detail}` };
}
