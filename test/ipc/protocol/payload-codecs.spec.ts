import { encode } from '@msgpack/msgpack';
import { JSON_CODEC, MessageType, MSGPACK_CODEC } from '../../../lib/ipc/protocol';

const msgpackBody = (frame: Buffer): Buffer => frame.subarray(7);

describe('JSON codec', () => {
  it('accepts any JSON whitespace', () => {
    expect(JSON_CODEC.decode(Buffer.from(' \n\t{ "a" :\r\n 1 } \n'))).toEqual({ a: 1 });
  });

  it('fails invalid JSON and invalid UTF-8 with SERIALIZATION_ERROR and a detail', () => {
    expect(() => JSON_CODEC.decode(Buffer.from('{"a":'))).toThrow(
      expect.objectContaining({ code: 'SERIALIZATION_ERROR' }),
    );
    expect(() => JSON_CODEC.decode(Buffer.from([0x22, 0xff, 0x22]))).toThrow('invalid UTF-8');
    expect(() => JSON_CODEC.decode(Buffer.alloc(0))).toThrow(expect.objectContaining({ code: 'SERIALIZATION_ERROR' }));
  });

  it('decodes multi-byte UTF-8 from a view into a larger buffer, and rejects a leading BOM as serde_json does', () => {
    const wire = Buffer.from('xx{"name":"Zoë ✓ 𝄞"}yy');
    expect(JSON_CODEC.decode(wire.subarray(2, wire.length - 2))).toEqual({ name: 'Zoë ✓ 𝄞' });
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]);
    expect(() => JSON_CODEC.decode(withBom)).toThrow(expect.objectContaining({ code: 'SERIALIZATION_ERROR' }));
    // A lone surrogate encoded as UTF-8 (CESU-style) is not valid UTF-8.
    expect(() => JSON_CODEC.decode(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]))).toThrow('invalid UTF-8');
  });

  it('omits undefined optionals and writes NaN as null', () => {
    const frame = JSON_CODEC.encodeFrame(MessageType.RESPONSE, {
      correlation_id: 'x',
      success: true,
      error: undefined,
      payload: { v: NaN },
    });
    expect(frame.subarray(7).toString()).toBe('{"correlation_id":"x","success":true,"payload":{"v":null}}');
  });
});

describe('MessagePack codec', () => {
  it('encodes bodies as maps keyed by field names, omitting absent optionals (never nil)', () => {
    const frame = MSGPACK_CODEC.encodeFrame(MessageType.RESPONSE, {
      correlation_id: 'a',
      success: true,
      error: undefined,
      payload: 1,
    });
    expect(frame[6]).toBe(0x02);
    const body = msgpackBody(frame);
    expect(body[0]).toBe(0x83); // fixmap of 3: the undefined `error` is not there
    expect(MSGPACK_CODEC.decode(body)).toEqual({ correlation_id: 'a', success: true, payload: 1 });
    expect(body.includes(0xc0)).toBe(false); // no nil anywhere
  });

  it('encodes integers as ints and non-integral numbers as float64', () => {
    const ints = msgpackBody(MSGPACK_CODEC.encodeFrame(MessageType.STREAM, { sequence: 3 }));
    expect([...ints]).toEqual([0x81, 0xa8, ...Buffer.from('sequence'), 0x03]);
    const big = msgpackBody(MSGPACK_CODEC.encodeFrame(MessageType.PUSH, { timestamp_ms: 1732500000123 }));
    expect(big[big.length - 9]).toBe(0xcf); // uint64, not a float
    const float = msgpackBody(MSGPACK_CODEC.encodeFrame(MessageType.RESPONSE, { payload: 101.25 }));
    expect(float[float.length - 9]).toBe(0xcb);
    expect(MSGPACK_CODEC.decode(float)).toEqual({ payload: 101.25 });
  });

  it('renders payload values as JSON would (Dates as strings, NaN as null)', () => {
    const when = new Date('2024-01-02T03:04:05.000Z');
    const body = msgpackBody(
      MSGPACK_CODEC.encodeFrame(MessageType.RESPONSE, { payload: { when, n: NaN, skip: undefined, f: () => 1 } }),
    );
    expect(MSGPACK_CODEC.decode(body)).toEqual({ payload: { when: '2024-01-02T03:04:05.000Z', n: null } });
  });

  it('throws TypeError for circular values and BigInt so the caller can fall back', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => MSGPACK_CODEC.encodeFrame(MessageType.RESPONSE, { payload: circular })).toThrow(TypeError);
    expect(() => MSGPACK_CODEC.encodeFrame(MessageType.RESPONSE, { payload: 10n })).toThrow(TypeError);
  });

  it('rejects bin, ext and non-string map keys as decode failures', () => {
    const bin = encode({ payload: new Uint8Array([1, 2]) });
    expect(() => MSGPACK_CODEC.decode(bin)).toThrow(/byte array/);
    const emptyBin = encode({ payload: new Uint8Array(0) });
    expect(() => MSGPACK_CODEC.decode(emptyBin)).toThrow(expect.objectContaining({ code: 'SERIALIZATION_ERROR' }));
    const ext = encode({ at: new Date(0) }); // timestamp extension
    expect(() => MSGPACK_CODEC.decode(ext)).toThrow(/extension/);
    const intKey = Buffer.from([0x81, 0x01, 0x02]); // {1: 2}
    expect(() => MSGPACK_CODEC.decode(intKey)).toThrow(/map key/);
  });

  it('decodes NaN as null and keeps 64-bit integers exact', () => {
    expect(MSGPACK_CODEC.decode(encode({ v: NaN, w: Infinity }))).toEqual({ v: null, w: null });
    const big = Buffer.from([0xcf, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01]); // 2^53 + 1
    expect(MSGPACK_CODEC.decode(big)).toBe(9007199254740993n);
    const small = Buffer.from([0xcf, 0, 0, 0, 0, 0, 0, 0, 7]);
    expect(MSGPACK_CODEC.decode(small)).toBe(7);
  });

  it('fails truncated data and trailing bytes', () => {
    expect(() => MSGPACK_CODEC.decode(Buffer.from([0x82, 0xa1]))).toThrow(
      expect.objectContaining({ code: 'SERIALIZATION_ERROR' }),
    );
    expect(() => MSGPACK_CODEC.decode(Buffer.from([0x01, 0x02]))).toThrow(
      expect.objectContaining({ code: 'SERIALIZATION_ERROR' }),
    );
  });
});
