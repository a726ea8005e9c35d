import { encodeTypeIdSuffix, isTypeId, newCorrelationId, typeIdTimestamp } from '../../../lib/ipc/protocol';

describe('TypeID correlation ids (§2.2)', () => {
  it('encodes the TypeID specification vectors', () => {
    expect(encodeTypeIdSuffix(new Uint8Array(16))).toBe('00000000000000000000000000');
    expect(encodeTypeIdSuffix(new Uint8Array(16).fill(0xff))).toBe('7zzzzzzzzzzzzzzzzzzzzzzzzz');
    const uuid = Buffer.from('0188bac74afa78aabc3bbd1eef28d881', 'hex');
    expect(encodeTypeIdSuffix(uuid)).toBe('01h2xcejqtf2nbrexx3vqjhp41');
  });

  it('makes <prefix>_<26 lowercase Crockford base32> ids carrying the creation time', () => {
    const now = Date.now();
    const id = newCorrelationId('push', now);
    expect(id).toMatch(/^push_[0-7][0-9a-hjkmnp-tv-z]{25}$/);
    expect(isTypeId(id, 'push')).toBe(true);
    expect(isTypeId(id, 'req')).toBe(false);
    expect(typeIdTimestamp(id)).toBe(now);
  });

  it('makes distinct ids within one millisecond', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newCorrelationId('req', 1_700_000_000_000)));
    expect(ids.size).toBe(1000);
  });

  it('recognises only well-formed ids', () => {
    expect(isTypeId('req_01h2xcejqtf2nbrexx3vqjhp41')).toBe(true);
    expect(isTypeId('req_01h9xz7n2e5p6q8r3t1u2v3w4x')).toBe(false); // the spec's illustrative id has a 'u', not Crockford base32
    expect(isTypeId('req_1')).toBe(false);
    expect(isTypeId('_01h9xz7n2e5p6q8r3t1u2v3w4x')).toBe(false);
    expect(isTypeId('req_81h9xz7n2e5p6q8r3t1u2v3w4x')).toBe(false);
  });
});
