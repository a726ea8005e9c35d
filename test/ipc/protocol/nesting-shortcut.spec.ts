import { JSON_CODEC, MSGPACK_CODEC } from '../../../lib/ipc/protocol';
import { MAX_NESTING_DEPTH } from '../../../lib/ipc/protocol/nesting-limit';

/**
 * The codecs skip the nesting walk for bodies too short to nest past the limit (2 bytes per
 * JSON level, 1 per MessagePack level). These are the tightest bodies on both sides of it.
 */
describe('nesting limit shortcut at the exact boundary', () => {
  const jsonNested = (depth: number) => Buffer.from('['.repeat(depth) + ']'.repeat(depth));
  // depth nested MessagePack arrays: depth-1 one-element fixarrays around an empty one (1 byte per level)
  const msgpackNested = (depth: number) => Buffer.from([...Array(depth - 1).fill(0x91), 0x90]);

  it('JSON: the shortest body one level too deep is refused, the longest one at the limit accepted', () => {
    expect(jsonNested(MAX_NESTING_DEPTH + 1)).toHaveLength(2 * MAX_NESTING_DEPTH + 2);
    expect(() => JSON_CODEC.decode(jsonNested(MAX_NESTING_DEPTH + 1))).toThrow(/recursion limit exceeded/);
    expect(() => JSON_CODEC.decode(jsonNested(MAX_NESTING_DEPTH))).not.toThrow();
  });

  it('MessagePack: the shortest body one level too deep is refused, the longest one at the limit accepted', () => {
    expect(msgpackNested(MAX_NESTING_DEPTH + 1)).toHaveLength(MAX_NESTING_DEPTH + 1);
    expect(() => MSGPACK_CODEC.decode(msgpackNested(MAX_NESTING_DEPTH + 1))).toThrow(/recursion limit exceeded/);
    expect(() => MSGPACK_CODEC.decode(msgpackNested(MAX_NESTING_DEPTH))).not.toThrow();
  });
});
