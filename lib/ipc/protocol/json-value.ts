/**
 * The value `JSON.stringify` would write, as a plain tree: `toJSON()` applied (Dates become
 * strings), `undefined` / functions / symbols dropped from objects and turned into `null` in
 * arrays, non-finite numbers → `null`, Maps/Sets/typed arrays as JSON renders them (`{}`).
 * Used before MessagePack encoding so both formats carry the same payload (the reference
 * carries every payload as a JSON value, docs/protocol.md §1.4).
 * @returns `undefined` when JSON would write nothing (a top-level function, symbol or undefined)
 * @throws TypeError for a circular structure or a BigInt, as `JSON.stringify` does
 */
export function toJsonValue(value: unknown): unknown {
  return convert(value, '', new Set<object>());
}

function convert(input: unknown, key: string, ancestors: Set<object>): unknown {
  let value = input;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    case 'object':
      return value === null ? null : container(value, ancestors);
    default:
      return undefined; // undefined, function, symbol
  }
}

function container(value: object, ancestors: Set<object>): unknown {
  if (ancestors.has(value)) throw new TypeError('Converting circular structure to JSON');
  if (value instanceof Number || value instanceof String || value instanceof Boolean)
    return convert(value.valueOf(), '', ancestors);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item, index) => convert(item, String(index), ancestors) ?? null);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const converted = convert((value as Record<string, unknown>)[key], key, ancestors);
      if (converted !== undefined) out[key] = converted;
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}
