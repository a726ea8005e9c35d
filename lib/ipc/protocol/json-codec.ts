import { isUtf8 } from 'node:buffer';
import { ActorError } from '../../core/errors/actor-error';
import { ErrorCode } from '../../core/errors/error-code';
import { encodeJsonFrame } from './frame-encoder';
import { assertNestingWithin, mayNestDeeperThan } from './nesting-limit';
import type { PayloadCodec } from './payload-codec';
import { Format, MessageType } from './wire-types';

/**
 * JSON (format 0x01, docs/protocol.md §1.4): UTF-8, one value per frame, any JSON whitespace accepted.
 * Encoding is one `JSON.stringify` of the whole body written straight into the frame buffer.
 * Non-finite numbers encode as `null` (JSON has no NaN). Integers above 2^53 lose precision on
 * decode (`JSON.parse`), unlike the reference's serde. Decoding rejects nesting deeper than
 * `MAX_NESTING_DEPTH` (128, serde_json's limit) with `SERIALIZATION_ERROR`.
 */
export class JsonCodec implements PayloadCodec {
  readonly format = Format.JSON;

  decode(bytes: Uint8Array): unknown {
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    // serde_json rejects invalid UTF-8; Buffer#toString would silently substitute U+FFFD.
    if (!isUtf8(buffer)) throw new ActorError(ErrorCode.SERIALIZATION_ERROR, 'invalid UTF-8 in JSON payload');
    let value: unknown;
    try {
      value = JSON.parse(buffer.toString('utf8'));
    } catch (err) {
      throw new ActorError(ErrorCode.SERIALIZATION_ERROR, err instanceof Error ? err.message : String(err));
    }
    // Before anything recursive sees it (see MAX_NESTING_DEPTH).
    if (mayNestDeeperThan(buffer.length, 2)) assertNestingWithin(value);
    return value;
  }

  encodeFrame(type: MessageType, body: object): Buffer {
    return encodeJsonFrame(type, JSON.stringify(body));
  }
}

/** The shared JSON codec (stateless). */
export const JSON_CODEC = new JsonCodec();
