import { ActorError } from '../../core/errors/actor-error';
import { ErrorCode } from '../../core/errors/error-code';
import { encodeJsonFrame } from './frame-encoder';
import { assertNestingWithin, mayNestDeeperThan } from './nesting-limit';
import type { PayloadCodec } from './payload-codec';
import { Format, MessageType } from './wire-types';

/**
 * Validates and decodes in one pass (checking with `isUtf8` and then decoding with
 * `Buffer#toString` read every payload twice, through two native calls). serde_json rejects
 * invalid UTF-8 where `Buffer#toString` would silently substitute U+FFFD, hence `fatal`; a
 * leading BOM is kept (`ignoreBOM`), so that `JSON.parse` rejects it as serde_json does.
 */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

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
    let text: string;
    try {
      text = STRICT_UTF8.decode(bytes);
    } catch {
      throw new ActorError(ErrorCode.SERIALIZATION_ERROR, 'invalid UTF-8 in JSON payload');
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new ActorError(ErrorCode.SERIALIZATION_ERROR, err instanceof Error ? err.message : String(err));
    }
    // Before anything recursive sees it (see MAX_NESTING_DEPTH).
    if (mayNestDeeperThan(bytes.length, 2)) assertNestingWithin(value);
    return value;
  }

  encodeFrame(type: MessageType, body: object): Buffer {
    return encodeJsonFrame(type, JSON.stringify(body));
  }
}

/** The shared JSON codec (stateless). */
export const JSON_CODEC = new JsonCodec();
