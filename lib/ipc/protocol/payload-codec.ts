import { JSON_CODEC } from './json-codec';
import { MSGPACK_CODEC } from './msgpack-codec';
import { Format, type MessageType } from './wire-types';

/**
 * Turns payload bytes into values and protocol bodies into whole frames, for one format byte
 * (docs/protocol.md §1.4). The JSON and MessagePack implementations sit behind this interface so
 * the MessagePack library can be replaced without touching the rest.
 */
export interface PayloadCodec {
  /** The format byte this codec reads and writes. */
  readonly format: Format;
  /**
   * Decodes one frame's payload into a JSON-compatible value (objects, arrays, strings,
   * numbers, booleans, `null`).
   * @throws ActorError `SERIALIZATION_ERROR` whose message is the detail only (e.g.
   *   `Unexpected end of JSON input`); callers add the §4 prefix
   */
  decode(bytes: Uint8Array): unknown;
  /**
   * One v2 frame of `type` carrying `body` in this format. Properties whose value is
   * `undefined` are omitted (never encoded as null/nil, §1.4).
   * @throws TypeError when the value cannot be represented (circular, BigInt, ...); the caller
   *   decides the fallback (§3.3)
   */
  encodeFrame(type: MessageType, body: object): Buffer;
}

/**
 * The codec for a frame's format byte. Answers go out in the format of the frame they answer
 * (docs/protocol.md §1.4); a v1 frame's format is JSON.
 */
export function codecFor(format: Format): PayloadCodec {
  return format === Format.MSGPACK ? MSGPACK_CODEC : JSON_CODEC;
}
