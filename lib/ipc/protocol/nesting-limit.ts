import { ActorError } from '../../core/errors/actor-error';
import { ErrorCode } from '../../core/errors/error-code';

/**
 * Deepest nesting of arrays/objects accepted in one frame body, counted from the body itself (the
 * envelope object is level 1, its `payload` level 2, …). 128 is serde_json's recursion limit, so
 * the reference already rejects anything deeper: no reference client can depend on more.
 *
 * Why a limit at all: a 1 MiB frame can hold ~500,000 levels (`[[[[…]]]]`). `JSON.parse` copes,
 * but every recursive step after it (class-transformer's `plainToInstance`, class-validator,
 * JSON.stringify of an echo, user code) would overflow the stack; failing at the codec gives one
 * clear `SERIALIZATION_ERROR` instead of "Maximum call stack size exceeded" from somewhere deep.
 */
export const MAX_NESTING_DEPTH = 128;

/**
 * Whether a body of `byteLength` bytes can nest deeper than `limit` at all. Every JSON level
 * costs at least two bytes (`[` and `]`, `{` and `}`) and every MessagePack level at least one
 * (its array/map header), so short bodies — nearly every request — skip the walk (issue 7).
 */
export function mayNestDeeperThan(
  byteLength: number,
  bytesPerLevel: 1 | 2,
  limit: number = MAX_NESTING_DEPTH,
): boolean {
  return byteLength > limit * bytesPerLevel;
}

/**
 * Checks that `value` nests arrays/objects no deeper than `limit` levels. Iterative (an explicit
 * stack), so it cannot overflow the call stack itself; visits each node once; stops at the first
 * node past the limit.
 * @throws ActorError `SERIALIZATION_ERROR` "recursion limit exceeded: …" when it is deeper
 */
export function assertNestingWithin(value: unknown, limit: number = MAX_NESTING_DEPTH): void {
  if (value === null || typeof value !== 'object') return;
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const current = values.pop() as object;
    const depth = depths.pop()!;
    if (depth > limit) {
      throw new ActorError(
        ErrorCode.SERIALIZATION_ERROR,
        `recursion limit exceeded: arrays/objects nested deeper than ${limit} levels; send a flatter payload ` +
          "(the limit is serde_json's, so acton-reactive rejects it too)",
      );
    }
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      if (child === null || typeof child !== 'object') continue;
      values.push(child);
      depths.push(depth + 1);
    }
  }
}
