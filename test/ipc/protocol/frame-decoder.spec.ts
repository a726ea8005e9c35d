import fc from 'fast-check';
import { encodeFrame, Format, Frame, FrameDecoder, MessageType } from '../../../lib/ipc/protocol';

function header(length: number, version: number, type: number, format?: number): Buffer {
  const bytes = [length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff, version, type];
  if (format !== undefined) bytes.push(format);
  return Buffer.from(bytes);
}

const simple = (frames: readonly Frame[]) => frames.map((f) => ({ ...f, payload: f.payload.toString('hex') }));

describe('frame decoder', () => {
  it('decodes a v1 fire-and-forget request (§1.7) as JSON', () => {
    const body =
      '{"correlation_id":"req_1","target":"logger","message_type":"LogEvent","payload":{"level":"info","message":"hi"}}';
    expect(Buffer.byteLength(body)).toBe(112);
    const { frames, error } = new FrameDecoder().push(
      Buffer.concat([Buffer.from('00000070' + '0101', 'hex'), Buffer.from(body)]),
    );
    expect(error).toBeUndefined();
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ version: 1, type: MessageType.REQUEST, format: Format.JSON });
    expect(frames[0].payload.toString()).toBe(body);
  });

  it('decodes v1 and v2 heartbeats with empty payloads', () => {
    const { frames } = new FrameDecoder().push(Buffer.from('000000000104' + '00000000020401', 'hex'));
    expect(simple(frames)).toEqual([
      { version: 1, type: 4, format: 1, payload: '' },
      { version: 2, type: 4, format: 1, payload: '' },
    ]);
  });

  it.each([
    [0x03, 'Unsupported protocol version 0x03, supported range: 0x01-0x02'],
    [0x00, 'Unsupported protocol version 0x00, supported range: 0x01-0x02'],
    [0xff, 'Unsupported protocol version 0xff, supported range: 0x01-0x02'],
  ])('reports version 0x%s as UNSUPPORTED_PROTOCOL_VERSION with the exact text', (version, text) => {
    const result = new FrameDecoder().push(header(0, version, 4, 1));
    expect(result.error).toEqual({ code: 'UNSUPPORTED_PROTOCOL_VERSION', message: text });
  });

  it('reports a v2 type 0x0c or 0x00 and a v1 type 0x05..0x0b as PROTOCOL_ERROR (0x0a/0x0b are v2 since 9.3, §11.1)', () => {
    expect(new FrameDecoder().push(header(0, 2, 0x0a, 1)).error).toBeUndefined();
    expect(new FrameDecoder().push(header(0, 2, 0x0b, 1)).error).toBeUndefined();
    expect(new FrameDecoder().push(header(0, 2, 0x0c, 1)).error).toEqual({
      code: 'PROTOCOL_ERROR',
      message: 'Protocol error: Invalid message type 0x0c for protocol version 0x02 (allowed: 0x01-0x0b)',
    });
    expect(new FrameDecoder().push(header(0, 2, 0x00, 1)).error?.code).toBe('PROTOCOL_ERROR');
    for (let type = 5; type <= 0x0b; type++) {
      const error = new FrameDecoder().push(header(0, 1, type)).error;
      expect(error?.code).toBe('PROTOCOL_ERROR');
      expect(error?.message).toMatch(/^Protocol error: Invalid message type 0x0[0-9a-b] for protocol version 0x01/);
    }
  });

  it('reports a format byte 0x03 as PROTOCOL_ERROR', () => {
    expect(new FrameDecoder().push(header(2, 2, 1, 3)).error).toEqual({
      code: 'PROTOCOL_ERROR',
      message: 'Protocol error: Invalid format byte 0x03 (expected 0x01 JSON or 0x02 MessagePack)',
    });
  });

  it('checks version before type before format before size (§1.6 order)', () => {
    expect(new FrameDecoder().push(header(0xffffffff, 9, 0x0c, 9)).error?.code).toBe('UNSUPPORTED_PROTOCOL_VERSION');
    expect(new FrameDecoder().push(header(0xffffffff, 2, 0x0c, 9)).error?.message).toMatch(/message type/);
    expect(new FrameDecoder().push(header(0xffffffff, 2, 0x01, 9)).error?.message).toMatch(/format byte/);
    expect(new FrameDecoder().push(header(0xffffffff, 2, 0x01, 1)).error?.message).toMatch(/Frame too large/);
  });

  it('rejects LEN = limit + 1 on the header alone, naming both sizes, and accepts LEN = limit', () => {
    const decoder = new FrameDecoder(1_048_576);
    expect(decoder.push(header(2_000_000, 2, 1, 1)).error).toEqual({
      code: 'PROTOCOL_ERROR',
      message: 'Protocol error: Frame too large: 2000000 > 1048576 bytes',
    });
    expect(new FrameDecoder(1000).push(header(1001, 2, 1, 1)).error?.message).toBe(
      'Protocol error: Frame too large: 1001 > 1000 bytes',
    );
    const accepting = new FrameDecoder(1000);
    expect(accepting.push(header(1000, 2, 1, 1)).error).toBeUndefined();
    const { frames } = accepting.push(Buffer.alloc(1000, 0x20));
    expect(frames).toHaveLength(1);
    expect(frames[0].payload.length).toBe(1000);
  });

  it('caps a configured limit above 16 MiB at 16 MiB', () => {
    const decoder = new FrameDecoder(64 * 1024 * 1024);
    expect(decoder.maxPayload).toBe(16_777_216);
    expect(decoder.push(header(16_777_217, 2, 1, 1)).error?.message).toBe(
      'Protocol error: Frame too large: 16777217 > 16777216 bytes',
    );
  });

  it('waits for all header bytes before judging, and ignores everything after an error', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(Buffer.from([0, 0, 0, 0, 3])).error).toBeUndefined();
    expect(decoder.push(Buffer.from([4])).error?.code).toBe('UNSUPPORTED_PROTOCOL_VERSION');
    expect(decoder.push(Buffer.from('00000000020401', 'hex'))).toEqual({ frames: [] });
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('reports a partial frame as midFrame (for EOF handling)', () => {
    const decoder = new FrameDecoder();
    decoder.push(Buffer.from('0000000502', 'hex'));
    expect(decoder.midFrame).toBe(true);
    decoder.push(Buffer.from('0101', 'hex'));
    expect(decoder.midFrame).toBe(true);
    expect(decoder.push(Buffer.from('hello')).frames).toHaveLength(1);
    expect(decoder.midFrame).toBe(false);
  });

  it('feed hands each frame to the callback in wire order, then returns the error that stopped it', () => {
    const decoder = new FrameDecoder();
    const seen: string[] = [];
    const bytes = Buffer.concat([
      encodeFrame(MessageType.REQUEST, Format.JSON, Buffer.from('{"a":1}')),
      encodeFrame(MessageType.HEARTBEAT, Format.JSON, Buffer.alloc(0)),
      header(0, 3, 4, 1),
    ]);
    const error = decoder.feed(bytes, (frame) => seen.push(`${frame.type}:${frame.payload.toString()}`));
    expect(seen).toEqual(['1:{"a":1}', '4:']);
    expect(error?.code).toBe('UNSUPPORTED_PROTOCOL_VERSION');
    expect(decoder.feed(encodeFrame(MessageType.HEARTBEAT, Format.JSON, Buffer.alloc(0)), () => seen.push('x'))).toBe(
      undefined,
    );
    expect(seen).toHaveLength(2);
  });

  it('returns a view of the chunk (no copy) when a payload lies within one chunk', () => {
    const chunk = encodeFrame(MessageType.REQUEST, Format.JSON, Buffer.from('{"x":1}'));
    const [frame] = new FrameDecoder().push(chunk).frames;
    expect(frame.payload.buffer).toBe(chunk.buffer);
  });
});

const frameArb = fc.record({
  type: fc.integer({ min: 1, max: 9 }),
  format: fc.constantFrom(Format.JSON, Format.MSGPACK),
  payload: fc.uint8Array({ maxLength: 300 }),
  v1: fc.boolean(),
});

function encodeAny(f: { type: number; format: number; payload: Uint8Array; v1: boolean }): Buffer {
  if (f.v1 && f.type <= 4) return Buffer.concat([header(f.payload.length, 1, f.type), f.payload]);
  return Buffer.concat([header(f.payload.length, 2, f.type, f.format), f.payload]);
}

function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    parts.push(bytes.subarray(last, p));
    last = p;
  }
  parts.push(bytes.subarray(last));
  return parts;
}

describe('frame decoder properties', () => {
  it('any split of any valid frame sequence decodes to the same frames', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 20 }), (specs, cuts) => {
        const wire = Buffer.concat(specs.map(encodeAny));
        const decoder = new FrameDecoder();
        const frames: Frame[] = [];
        for (const part of splitAt(wire, cuts)) {
          const result = decoder.push(part);
          expect(result.error).toBeUndefined();
          frames.push(...result.frames);
        }
        expect(decoder.midFrame).toBe(false);
        expect(simple(frames)).toEqual(
          specs.map((s) => {
            const v1 = s.v1 && s.type <= 4;
            return {
              version: v1 ? 1 : 2,
              type: s.type,
              format: v1 ? Format.JSON : s.format,
              payload: Buffer.from(s.payload).toString('hex'),
            };
          }),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes never throw and never buffer more than limit + header', () => {
    const limit = 512;
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 700 }), { maxLength: 10 }), (chunks) => {
        const decoder = new FrameDecoder(limit);
        for (const chunk of chunks) {
          const result = decoder.push(Buffer.from(chunk));
          for (const frame of result.frames) expect(frame.payload.length).toBeLessThanOrEqual(limit);
          expect(decoder.bufferedBytes).toBeLessThanOrEqual(limit + 7 + chunk.length);
          if (!decoder.midFrame || decoder.error) continue;
          // Between pushes only one partial frame remains: its header (≤ 7) or its payload (≤ limit).
          expect(decoder.bufferedBytes).toBeLessThanOrEqual(limit + 7);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes after valid frames still yield those frames first', () => {
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 5 }), fc.uint8Array({ maxLength: 64 }), (specs, junk) => {
        const decoder = new FrameDecoder();
        const result = decoder.push(Buffer.concat([...specs.map(encodeAny), Buffer.from(junk)]));
        expect(result.frames.length).toBeGreaterThanOrEqual(specs.length);
      }),
      { numRuns: 200 },
    );
  });
});
