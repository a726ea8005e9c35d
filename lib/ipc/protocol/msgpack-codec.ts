import { Decoder, Encoder } from '@msgpack/msgpack';
import { ActorError } from '../../core/errors/actor-error';
import { ErrorCode } from '../../core/errors/error-code';
import { encodeFrame } from './frame-encoder';
import { toJsonValue } from './json-value';
import { assertNestingWithin, mayNestDeeperThan } from './nesting-limit';
import type { PayloadCodec } from './payload-codec';
import { Format, MessageType } from './wire-types';

const NO_JSON_EQUIVALENT = 'expected any valid JSON value';

/**
 * MessagePack (format 0x02, docs/protocol.md §1.4), with @msgpack/msgpack behind our interface.
 *
 * Encoding: every body is a map keyed by the JSON field names; absent optionals are omitted
 * (never nil); integers use the smallest int encoding, non-integral numbers float64 (`0xcb`).
 * Values are first reduced to what JSON would carry (`toJsonValue`), so a reply looks the same in
 * both formats.
 *
 * Decoding: `bin`, `ext` (timestamps included) and non-string map keys have no JSON equivalent
 * and fail the frame (§1.4); NaN/±Infinity become `null` (as in the reference's JSON value);
 * 64-bit integers are exact: numbers when safe, `bigint` beyond 2^53. Nesting deeper than
 * `MAX_NESTING_DEPTH` (128) fails the frame.
 */
export class MsgpackCodec implements PayloadCodec {
  readonly format = Format.MSGPACK;
  private readonly decoder = new Decoder({
    maxBinLength: -1,
    maxExtLength: -1,
    useBigInt64: true,
    mapKeyConverter: stringKeyOnly,
  });
  private readonly encoder = new Encoder({ ignoreUndefined: true, forceFloat32: false });

  decode(bytes: Uint8Array): unknown {
    let value: unknown;
    try {
      value = this.decoder.decode(bytes);
    } catch (err) {
      throw new ActorError(ErrorCode.SERIALIZATION_ERROR, describeDecodeError(err));
    }
    // Before the recursive normalize (see MAX_NESTING_DEPTH).
    if (mayNestDeeperThan(bytes.length, 1)) assertNestingWithin(value);
    return normalize(value);
  }

  encodeFrame(type: MessageType, body: object): Buffer {
    return encodeFrame(type, Format.MSGPACK, this.encoder.encodeSharedRef(toJsonValue(body)));
  }
}

/** The shared MessagePack codec (its encoder/decoder are reused; calls are synchronous). */
export const MSGPACK_CODEC = new MsgpackCodec();

function stringKeyOnly(key: unknown): string {
  if (typeof key === 'string') return key;
  throw new TypeError(
    `invalid type: map key ${typeof key === 'number' ? `integer \`${key}\`` : String(key)}, expected a string key`,
  );
}

function describeDecodeError(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  if (/bin length/.test(text)) return `invalid type: byte array (MessagePack bin), ${NO_JSON_EQUIVALENT}`;
  if (/ext length/.test(text)) return `invalid type: MessagePack extension, ${NO_JSON_EQUIVALENT}`;
  return text;
}

/** Non-finite floats → null, safe bigints → numbers (in place; the tree was just decoded). */
function normalize(value: unknown): unknown {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(value)
        : value;
    case 'object':
      if (value === null) return null;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) value[i] = normalize(value[i]);
      } else {
        const record = value as Record<string, unknown>;
        for (const key of Object.keys(record)) record[key] = normalize(record[key]);
      }
      return value;
    default:
      return value;
  }
}
