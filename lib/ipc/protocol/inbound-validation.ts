import type { DiscoverRequest, RequestEnvelope, SubscribeRequest } from './wire-types';

/**
 * Inbound body validation: every body a client may send, checked against its shape in
 * docs/protocol.md §2 before the server acts on it (the model is tRPC's `parseTRPCMessage.ts`:
 * one module knows what a well-formed inbound message is).
 *
 * A body is described by a field table (field name → rule, in the order the reference's serde
 * derive checks them); `parseStruct` walks the table and stops at the first problem. Failure
 * details use serde's wording, because the reference copies serde's message into the `<detail>`
 * of its error texts (docs/protocol.md §4): `missing field \`target\``,
 * `invalid type: null, expected a boolean`, `invalid value: integer \`-1\`, expected u64`.
 * Unknown extra fields are ignored; on success the body object itself is returned (no copy).
 *
 * To accept a new frame type, add its field table and a one-line parser below.
 */

/** Result of a body parser: the typed body, or the detail of why it does not fit. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly detail: string };

/**
 * What one field must hold:
 * - `string` / `string[]` / `any`: required (`any` allows `null`, like the envelope's `payload`);
 * - `bool?` / `u64?`: optional; when present it must fit (`null` fails, docs/protocol.md §2.2).
 */
export type FieldRule = 'string' | 'string[]' | 'any' | 'bool?' | 'u64?';

/** The fields of one body, in check order. */
export type FieldTable = Readonly<Record<string, FieldRule>>;

/** Request (0x01) envelope, docs/protocol.md §2.2. */
const ENVELOPE_FIELDS: FieldTable = {
  correlation_id: 'string',
  target: 'string',
  message_type: 'string',
  payload: 'any',
  expects_reply: 'bool?',
  expects_stream: 'bool?',
  response_timeout_ms: 'u64?',
};

/** Subscribe (0x06) / Unsubscribe (0x07) request, docs/protocol.md §2.5. */
const SUBSCRIPTION_FIELDS: FieldTable = { correlation_id: 'string', message_types: 'string[]' };

/** Discover (0x08) request, docs/protocol.md §2.7. */
const DISCOVER_FIELDS: FieldTable = {
  correlation_id: 'string',
  include_actors: 'bool?',
  include_message_types: 'bool?',
};

/**
 * A decoded Request (0x01) body. A failure is answered `SERIALIZATION_ERROR` with id `"unknown"`
 * (docs/protocol.md §3.1 step 4).
 */
export function parseEnvelope(body: unknown): Parsed<RequestEnvelope> {
  return parseStruct<RequestEnvelope>(body, 'IpcEnvelope', ENVELOPE_FIELDS);
}

/**
 * A decoded Subscribe (0x06) or Unsubscribe (0x07) body. The server answers a failure with
 * `Parse error: Serialization error: <detail>` (docs/protocol.md §2.5).
 * @param struct the reference's struct name, used in the detail of a non-map body
 */
export function parseSubscriptionRequest(body: unknown, struct = 'IpcSubscribeRequest'): Parsed<SubscribeRequest> {
  return parseStruct<SubscribeRequest>(body, struct, SUBSCRIPTION_FIELDS);
}

/**
 * A decoded Discover (0x08) body; the include flags default to true when absent. The server
 * answers a failure with `Parse error: Serialization error: <detail>` (docs/protocol.md §2.7).
 */
export function parseDiscoverRequest(body: unknown): Parsed<DiscoverRequest> {
  return parseStruct<DiscoverRequest>(body, 'IpcDiscoverRequest', DISCOVER_FIELDS);
}

/**
 * Checks `body` against `fields`: it must be a map (JSON object / MessagePack map), then each
 * field in table order. Returns the first problem's serde-style detail.
 * @param struct the reference's struct name, named when the body is not a map at all
 */
export function parseStruct<T>(body: unknown, struct: string, fields: FieldTable): Parsed<T> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, detail: invalidType(body, `struct ${struct}`) };
  }
  const record = body as Record<string, unknown>;
  const plan = planOf(fields);
  if (plan.fits(record)) return { ok: true, value: record as unknown as T };
  for (let i = 0; i < plan.checks.length; i++) {
    const problem = checkField(record, plan.checks[i][0], plan.checks[i][1]);
    if (problem !== undefined) return { ok: false, detail: problem };
  }
  return { ok: true, value: record as unknown as T };
}

/** A table compiled once: its quick yes/no check, and its fields as a list for the detailed walk. */
interface StructPlan {
  /**
   * True when every field fits, with one named read per field (generated from the table: the walk's
   * `record[field]`, a different key each time, is a megamorphic read on every request, bench W1).
   * False when unsure (a `bigint` u64 included): the walk then decides, with serde's detail.
   */
  readonly fits: (record: Record<string, unknown>) => boolean;
  readonly checks: readonly (readonly [string, FieldRule])[];
}

const PLANS = new WeakMap<FieldTable, StructPlan>();

function planOf(fields: FieldTable): StructPlan {
  let plan = PLANS.get(fields);
  if (!plan) PLANS.set(fields, (plan = { fits: compileFits(fields), checks: Object.entries(fields) }));
  return plan;
}

/** Each rule's quick test of `v` (the field's value); never true where `checkField` finds a problem. */
const QUICK_TESTS: Readonly<Record<FieldRule, (field: string) => string>> = {
  string: () => `typeof v === 'string'`,
  'string[]': () => `Array.isArray(v) && v.every((item) => typeof item === 'string')`,
  any: (field) => `(v !== undefined || ${field} in r)`,
  'bool?': () => `(v === undefined || typeof v === 'boolean')`,
  'u64?': () => `(v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= 0))`,
};

function compileFits(fields: FieldTable): StructPlan['fits'] {
  const tests = Object.entries(fields).map(([field, rule]) => {
    const name = JSON.stringify(field); // a valid JavaScript string literal for any field name
    return `v = r[${name}]; if (!(${QUICK_TESTS[rule](name)})) return false;`;
  });
  return new Function('r', `let v;\n${tests.join('\n')}\nreturn true;`) as StructPlan['fits'];
}

function checkField(record: Record<string, unknown>, field: string, rule: FieldRule): string | undefined {
  const value = record[field];
  if (rule === 'any') return field in record ? undefined : missing(field);
  if (value === undefined) return rule.endsWith('?') ? undefined : missing(field);
  switch (rule) {
    case 'string':
      return typeof value === 'string' ? undefined : invalidType(value, 'a string');
    case 'bool?':
      return typeof value === 'boolean' ? undefined : invalidType(value, 'a boolean');
    case 'u64?':
      return checkU64(value);
    case 'string[]':
      if (!Array.isArray(value)) return invalidType(value, 'a sequence');
      for (const item of value) {
        if (typeof item !== 'string') return invalidType(item, 'a string');
      }
      return undefined;
  }
}

/** A u64: a non-negative integer below 2^64 (MessagePack may hand us a `bigint`). */
function checkU64(value: unknown): string | undefined {
  const isInteger = typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));
  if (!isInteger) return invalidType(value, 'u64');
  const fits = typeof value === 'bigint' ? value >= 0n && value < 2n ** 64n : (value as number) >= 0;
  return fits ? undefined : `invalid value: integer \`${String(value)}\`, expected u64`;
}

function missing(field: string): string {
  return `missing field \`${field}\``;
}

/** `invalid type: <what>, expected <expected>`. */
function invalidType(value: unknown, expected: string): string {
  return `invalid type: ${describeUnexpected(value)}, expected ${expected}`;
}

/** How serde names an unexpected value, e.g. `string "x"`, `integer \`5\``, `sequence`, `map`. */
function describeUnexpected(value: unknown): string {
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
