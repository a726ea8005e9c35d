import {
  encodeFrame,
  encodeJsonFrame,
  Format,
  HEARTBEAT_FRAME,
  MessageType,
  MSGPACK_CODEC,
  JSON_CODEC,
} from '../../../lib/ipc/protocol';

const hex = (buffer: Buffer): string => buffer.toString('hex').replace(/(..)/g, '$1 ').trim();

describe('frame encoder: the docs/protocol.md §1.7 example frames, byte for byte', () => {
  it('writes the v2 heartbeat 00 00 00 00 02 04 01', () => {
    expect(hex(HEARTBEAT_FRAME)).toBe('00 00 00 00 02 04 01');
    expect(hex(encodeFrame(MessageType.HEARTBEAT, Format.JSON, Buffer.alloc(0)))).toBe('00 00 00 00 02 04 01');
  });

  it('writes the 166-byte JSON request with header 00 00 00 a6 02 01 01', () => {
    const body = {
      correlation_id: 'req_01h9xz7n2e5p6q8r3t1u2v3w4x',
      target: 'calculator',
      message_type: 'Add',
      payload: { a: 5, b: 3 },
      expects_reply: true,
      response_timeout_ms: 5000,
    };
    const frame = JSON_CODEC.encodeFrame(MessageType.REQUEST, body);
    expect(hex(frame.subarray(0, 7))).toBe('00 00 00 a6 02 01 01');
    expect(frame.subarray(7).toString()).toBe(
      '{"correlation_id":"req_01h9xz7n2e5p6q8r3t1u2v3w4x","target":"calculator","message_type":"Add","payload":{"a":5,"b":3},"expects_reply":true,"response_timeout_ms":5000}',
    );
  });

  it('writes the 86-byte success reply with header 00 00 00 56 02 02 01 and no absent optionals', () => {
    const frame = JSON_CODEC.encodeFrame(MessageType.RESPONSE, {
      correlation_id: 'req_01h9xz7n2e5p6q8r3t1u2v3w4x',
      success: true,
      error: undefined,
      error_code: undefined,
      payload: { sum: 8 },
    });
    expect(hex(frame.subarray(0, 7))).toBe('00 00 00 56 02 02 01');
    expect(frame.subarray(7).toString()).toBe(
      '{"correlation_id":"req_01h9xz7n2e5p6q8r3t1u2v3w4x","success":true,"payload":{"sum":8}}',
    );
  });

  it('writes the 49-byte MessagePack subscribe as a map keyed by field names', () => {
    const frame = MSGPACK_CODEC.encodeFrame(MessageType.SUBSCRIBE, {
      correlation_id: 'sub_1',
      message_types: ['PriceUpdate'],
    });
    const expected = Buffer.concat([
      Buffer.from([0x00, 0x00, 0x00, 0x31, 0x02, 0x06, 0x02, 0x82, 0xae]),
      Buffer.from('correlation_id'),
      Buffer.from([0xa5]),
      Buffer.from('sub_1'),
      Buffer.from([0xad]),
      Buffer.from('message_types'),
      Buffer.from([0x91, 0xab]),
      Buffer.from('PriceUpdate'),
    ]);
    expect(hex(frame)).toBe(hex(expected));
  });

  it('writes multi-byte UTF-8 JSON with LEN counting bytes, not characters', () => {
    const frame = encodeJsonFrame(MessageType.RESPONSE, '"€"');
    expect(frame.readUInt32BE(0)).toBe(5);
    expect(frame.subarray(7).toString()).toBe('"€"');
  });
});
