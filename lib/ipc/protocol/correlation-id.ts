import { randomFillSync } from 'node:crypto';

/** Crockford base32, lowercase, as TypeID uses it. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const SUFFIX = /^[0-7][0-9a-hjkmnp-tv-z]{25}$/;
/** Random bytes are drawn in batches; 10 per id. */
const POOL_IDS = 256;

/** The prefixes the reference uses (docs/protocol.md §2.2; psub/punsub since 9.3, §11.1). */
export type CorrelationIdPrefix = 'req' | 'str' | 'sub' | 'unsub' | 'psub' | 'punsub' | 'disc' | 'push';

let pool = Buffer.alloc(0);
let poolOffset = 0;

/**
 * A TypeID-style id `<prefix>_<26 lowercase Crockford base32 chars of a UUIDv7>` (§2.2), e.g.
 * `req_01h9xz7n2e5p6q8r3t1u2v3w4x`: the first 48 bits are the current Unix time in ms, so ids
 * sort by creation time (to the millisecond). The server treats incoming ids as opaque; this is
 * what our side generates (`push_` notification ids, our clients' request ids).
 * @param prefix lowercase letters; the reference's are listed in `CorrelationIdPrefix`
 */
export function newCorrelationId(prefix: CorrelationIdPrefix | string, nowMs: number = Date.now()): string {
  return `${prefix}_${encodeTypeIdSuffix(uuidV7Bytes(nowMs))}`;
}

/** The 16 bytes of a fresh UUIDv7 (RFC 9562: 48-bit ms timestamp, version 7, variant 10). */
export function uuidV7Bytes(nowMs: number = Date.now()): Uint8Array {
  const bytes = new Uint8Array(16);
  const high = Math.floor(nowMs / 2 ** 16);
  const low = nowMs % 2 ** 16;
  bytes[0] = (high >>> 24) & 0xff;
  bytes[1] = (high >>> 16) & 0xff;
  bytes[2] = (high >>> 8) & 0xff;
  bytes[3] = high & 0xff;
  bytes[4] = (low >>> 8) & 0xff;
  bytes[5] = low & 0xff;
  const random = randomBytes10();
  bytes.set(random, 6);
  bytes[6] = 0x70 | (bytes[6] & 0x0f);
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  return bytes;
}

/**
 * TypeID's 26-character suffix of 16 bytes: the 128 bits, preceded by two zero bits, in 5-bit
 * groups, most significant first (so the first character is `0`–`7`).
 * @throws RangeError when `bytes` is not 16 bytes long
 */
export function encodeTypeIdSuffix(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError(`A TypeID suffix encodes exactly 16 bytes, got ${bytes.length}`);
  // The first group is the two zero bits and the top 3 bits; each later one is read from the
  // 16-bit window of the byte holding its first bit and the next (one step per character, not per bit).
  let out = ALPHABET[bytes[0] >> 5];
  for (let i = 1; i < 26; i++) {
    const bit = i * 5 - 2;
    const at = bit >> 3;
    const window = (bytes[at] << 8) | (at < 15 ? bytes[at + 1] : 0);
    out += ALPHABET[(window >> (11 - (bit & 7))) & 31];
  }
  return out;
}

/** True for `<prefix>_<valid 26-char suffix>`, optionally with exactly `prefix`. */
export function isTypeId(id: string, prefix?: string): boolean {
  const cut = id.lastIndexOf('_');
  if (cut <= 0) return false;
  if (prefix !== undefined && id.slice(0, cut) !== prefix) return false;
  return SUFFIX.test(id.slice(cut + 1));
}

/** Unix ms timestamp stored in a TypeID's UUIDv7, or `undefined` when `id` is not one. */
export function typeIdTimestamp(id: string): number | undefined {
  if (!isTypeId(id)) return undefined;
  const suffix = id.slice(id.lastIndexOf('_') + 1);
  // The first 10 characters carry 50 bits: 2 zero bits + the 48-bit timestamp.
  let ms = 0;
  for (let i = 0; i < 10; i++) ms = ms * 32 + ALPHABET.indexOf(suffix[i]);
  return ms;
}

function randomBytes10(): Buffer {
  if (poolOffset + 10 > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(10 * POOL_IDS));
    poolOffset = 0;
  }
  const slice = pool.subarray(poolOffset, poolOffset + 10);
  poolOffset += 10;
  return slice;
}
