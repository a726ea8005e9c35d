import { JSON_CODEC } from './json-codec';
import { MSGPACK_CODEC } from './msgpack-codec';
import { PayloadCodec } from './payload-codec';
import { Format } from './wire-types';

/**
 * The codec for a frame's format byte. Answers go out in the format of the frame they answer
 * (PROTOCOL.md §1.4); a v1 frame's format is JSON.
 */
export function codecFor(format: Format): PayloadCodec {
  return format === Format.MSGPACK ? MSGPACK_CODEC : JSON_CODEC;
}
