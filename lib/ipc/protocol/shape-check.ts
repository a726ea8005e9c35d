/**
 * Shape checks for decoded protocol bodies, with serde-style detail texts (the reference copies
 * serde's messages into its `<detail>`, PROTOCOL.md §4): `missing field \`target\``,
 * `invalid type: null, expected a boolean`, `invalid value: integer \`-1\`, expected u64`.
 * Each check returns the detail text of the first problem, or `undefined` when the field fits.
 */

/** Result of a body parser: the typed body, or the detail of why it does not fit. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly detail: string };

/** A failed parse with `detail`. */
export function parseFailure(detail: string): { readonly ok: false; readonly detail: string } {
  return { ok: false, detail };
}

/** How serde names an unexpected value, e.g. `string "x"`, `integer \`5\``, `sequence`, `map`. */
export function describeUnexpected(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'boolean':
      return `boolean \`${value}\``;
    case 'number':
      return Number.isInteger(value) ? `integer \`${value}\`` : `floating point \`${value}\``;
    case 'bigint':
      return `integer \`${value}\``;
    case 'string':
      return `string ${JSON.stringify(value)}`;
    default:
      return Array.isArray(value) ? 'sequence' : 'map';
  }
}

/** `invalid type: <what>, expected <expected>`. */
export function invalidType(value: unknown, expected: string): string {
  return `invalid type: ${describeUnexpected(value)}, expected ${expected}`;
}

/** The body must be a map (JSON object / MessagePack map) to be a struct named `struct`. */
export function checkStruct(body: unknown, struct: string): string | undefined {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) return undefined;
  return invalidType(body, `struct ${struct}`);
}

/** A required string field. */
export function checkRequiredString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined) return `missing field \`${field}\``;
  return typeof value === 'string' ? undefined : invalidType(value, 'a string');
}

/** A field that must be present with any value (`null` allowed), like the envelope's `payload`. */
export function checkRequiredAny(body: Record<string, unknown>, field: string): string | undefined {
  return field in body ? undefined : `missing field \`${field}\``;
}

/** An optional bool: absent is fine; present must be a boolean (`null` fails, §2.2). */
export function checkOptionalBool(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || typeof value === 'boolean') return undefined;
  return invalidType(value, 'a boolean');
}

/** An optional u64: absent is fine; present must be a non-negative integer (`null` fails, §2.2). */
export function checkOptionalU64(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value === 'bigint') return value >= 0n && value < 2n ** 64n ? undefined : `invalid value: integer \`${value}\`, expected u64`;
  if (typeof value !== 'number' || !Number.isInteger(value)) return invalidType(value, 'u64');
  return value >= 0 ? undefined : `invalid value: integer \`${value}\`, expected u64`;
}

/** A required array of strings. */
export function checkRequiredStringList(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined) return `missing field \`${field}\``;
  if (!Array.isArray(value)) return invalidType(value, 'a sequence');
  for (const item of value) {
    if (typeof item !== 'string') return invalidType(item, 'a string');
  }
  return undefined;
}
