import { inspect } from 'node:util';
import { FallbackPayload, MAX_FRAME_SIZE } from '../protocol/wire-types';

/** Longest `debug` text of a fallback payload, in characters. */
const MAX_DEBUG_LENGTH = 2000;

/**
 * True for values JSON cannot carry at the top level (JSON would write nothing, or throw):
 * functions, symbols, BigInts. Deeper problems (cycles, nested BigInts) show up as a TypeError
 * from the codec.
 */
export function isUnencodableValue(value: unknown): boolean {
  const type = typeof value;
  return type === 'function' || type === 'symbol' || type === 'bigint';
}

/**
 * The payload sent instead of a reply that cannot be encoded (docs/protocol.md §3.3): still a
 * success, `{"_ipc_fallback":true,"type":"<type name>","debug":"<debug text>"}`.
 * @param reason why it could not be encoded, appended to `debug` (e.g. the codec's message)
 */
export function fallbackPayload(value: unknown, reason?: string): FallbackPayload {
  const rendered = safely(() => inspect(value, { depth: 3, breakLength: Infinity, maxArrayLength: 20, maxStringLength: 200 }), '<value that cannot be inspected>');
  const debug = reason ? `${rendered} (not encodable: ${reason})` : rendered;
  const type = safely(() => typeNameOf(value), 'unknown');
  return { _ipc_fallback: true, type, debug: debug.length > MAX_DEBUG_LENGTH ? `${debug.slice(0, MAX_DEBUG_LENGTH)}…` : debug };
}

/** Whatever the reply is (a hostile Proxy included), the fallback itself must not throw. */
function safely(render: () => string, otherwise: string): string {
  try {
    return render();
  } catch {
    return otherwise;
  }
}

/** A reply encoded larger than the 16 MiB hard limit is replaced by a fallback (§1.3: ours never emits bigger frames). */
export function isOversizeFrame(frame: Buffer): boolean {
  return frame.length - 7 > MAX_FRAME_SIZE;
}

function typeNameOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object' || typeof value === 'function') {
    const name = (value as { constructor?: { name?: string } }).constructor?.name;
    if (typeof value === 'function') return 'Function';
    return name || 'Object';
  }
  return typeof value;
}
