import fc from 'fast-check';
import { JSON_CODEC, MessageType } from '../../../lib/ipc/protocol';
import { responseFrame, streamDataFrame } from '../../../lib/ipc/server/reply-frames';

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

/** The JSON fast path of the hot answers writes byte for byte what encoding the whole body object does. */
describe('reply frames: JSON fast path', () => {
  const payloads = fc.oneof(
    fc.jsonValue(),
    fc.constant(undefined),
    fc.date({ noInvalidDate: true }),
    fc.tuple(fc.double(), fc.double()).map(([x, y]) => new Point(x, y)),
    fc.record({ when: fc.date({ noInvalidDate: true }), n: fc.integer() }),
  );

  it('a response is exactly JSON.stringify({correlation_id, success: true, payload})', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), payloads, (id, payload) => {
        const expected = JSON_CODEC.encodeFrame(MessageType.RESPONSE, {
          correlation_id: id,
          success: true,
          payload: payload ?? null,
        });
        expect(responseFrame(JSON_CODEC, id, payload).equals(expected)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('a stream data frame is exactly JSON.stringify({correlation_id, sequence, is_final: false, payload})', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.nat(), payloads, (id, sequence, payload) => {
        const expected = JSON_CODEC.encodeFrame(MessageType.STREAM, {
          correlation_id: id,
          sequence,
          is_final: false,
          payload: payload ?? null,
        });
        expect(streamDataFrame(JSON_CODEC, id, sequence, payload).equals(expected)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('values JSON cannot carry still become the _ipc_fallback payload', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const value of [cyclic, 10n, () => 1]) {
      const body = JSON.parse(responseFrame(JSON_CODEC, 'r1', value).subarray(7).toString());
      expect(body).toMatchObject({ correlation_id: 'r1', success: true, payload: { _ipc_fallback: true } });
    }
  });
});
