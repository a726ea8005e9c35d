import { parseDiscoverRequest, parseEnvelope, parseStruct, parseSubscriptionRequest } from '../../../lib/ipc/protocol';
import {
  DISCOVER_FIELDS,
  ENVELOPE_FIELDS,
  FieldTable,
  Parsed,
  SUBSCRIPTION_FIELDS,
  walkStruct,
} from '../../../lib/ipc/protocol/inbound-validation';

const base = { correlation_id: 'req_1', target: 'calc', message_type: 'Add', payload: null };

describe('envelope parser (§2.2)', () => {
  it('accepts the four required fields, with payload null, and extra fields', () => {
    expect(parseEnvelope(base)).toEqual({ ok: true, value: base });
    expect(parseEnvelope({ ...base, extra: [1], expects_reply: true, response_timeout_ms: 0 }).ok).toBe(true);
  });

  it.each([
    [{ correlation_id: 'x', message_type: 'A', payload: 1 }, 'missing field `target`'],
    [{ correlation_id: 'x', target: 't', message_type: 'A' }, 'missing field `payload`'],
    [{ ...base, correlation_id: 5 }, 'invalid type: integer `5`, expected a string'],
    [{ ...base, expects_reply: null }, 'invalid type: null, expected a boolean'],
    [{ ...base, expects_stream: 'yes' }, 'invalid type: string "yes", expected a boolean'],
    [{ ...base, response_timeout_ms: null }, 'invalid type: null, expected u64'],
    [{ ...base, response_timeout_ms: 1.5 }, 'invalid type: floating point `1.5`, expected u64'],
    [{ ...base, response_timeout_ms: -1 }, 'invalid value: integer `-1`, expected u64'],
    [[1, 2], 'invalid type: sequence, expected struct IpcEnvelope'],
    [null, 'invalid type: null, expected struct IpcEnvelope'],
  ])('rejects %j with "%s"', (body, detail) => {
    expect(parseEnvelope(body)).toEqual({ ok: false, detail });
  });
});

describe("each body parser's generated quick check and its table walk agree", () => {
  const values: unknown[] = [undefined, 'text', '', 5, 0, -1, 1.5, 2 ** 53, null, true, false, 5n, -5n, {}, [], NaN];
  /** Each field of a valid body set to each value, and left out. */
  const bodiesAround = (valid: Record<string, unknown>, table: FieldTable): Record<string, unknown>[] =>
    Object.keys(table).flatMap((field) =>
      [...values, ['a', 1], ['a']].flatMap((value) => {
        const withValue: Record<string, unknown> = { ...valid, [field]: value };
        const without: Record<string, unknown> = { ...valid };
        delete without[field];
        return [withValue, without];
      }),
    );
  const parsers: [string, (body: unknown) => Parsed<unknown>, FieldTable, string, Record<string, unknown>][] = [
    ['envelope (§2.2)', parseEnvelope, ENVELOPE_FIELDS, 'IpcEnvelope', { ...base, expects_reply: true }],
    [
      'subscription (§2.5)',
      parseSubscriptionRequest,
      SUBSCRIPTION_FIELDS,
      'IpcSubscribeRequest',
      { correlation_id: 's', message_types: ['A'] },
    ],
    [
      'discover (§2.7)',
      parseDiscoverRequest,
      DISCOVER_FIELDS,
      'IpcDiscoverRequest',
      { correlation_id: 'd', include_actors: true },
    ],
  ];

  it.each(parsers)('%s: the same answer as the walk alone, for every body', (_name, parse, table, struct, valid) => {
    const bodies = bodiesAround(valid, table);
    expect(bodies.filter((body) => parse(body).ok).length).toBeGreaterThan(0);
    for (const body of bodies) expect([body, parse(body)]).toEqual([body, walkStruct(body, struct, table)]);
  });
});

describe('subscription request parser (§2.5)', () => {
  it('accepts a list of names, including an empty one', () => {
    expect(parseSubscriptionRequest({ correlation_id: 's', message_types: [] }).ok).toBe(true);
    expect(parseSubscriptionRequest({ correlation_id: 's', message_types: ['A', 'B'], x: 1 }).ok).toBe(true);
  });

  it('requires both fields with the right types', () => {
    expect(parseSubscriptionRequest({ correlation_id: 's' })).toEqual({
      ok: false,
      detail: 'missing field `message_types`',
    });
    expect(parseSubscriptionRequest({ message_types: [] })).toEqual({
      ok: false,
      detail: 'missing field `correlation_id`',
    });
    expect(parseSubscriptionRequest({ correlation_id: 's', message_types: 'A' })).toEqual({
      ok: false,
      detail: 'invalid type: string "A", expected a sequence',
    });
    expect(parseSubscriptionRequest({ correlation_id: 's', message_types: [1] })).toEqual({
      ok: false,
      detail: 'invalid type: integer `1`, expected a string',
    });
  });
});

describe('discover request parser (§2.7)', () => {
  it('accepts the id alone and optional booleans', () => {
    expect(parseDiscoverRequest({ correlation_id: 'd1' }).ok).toBe(true);
    expect(parseDiscoverRequest({ correlation_id: 'd1', include_actors: false, include_message_types: true }).ok).toBe(
      true,
    );
  });

  it('rejects a missing id and a null include flag', () => {
    expect(parseDiscoverRequest({})).toEqual({ ok: false, detail: 'missing field `correlation_id`' });
    expect(parseDiscoverRequest({ correlation_id: 'd', include_actors: null })).toEqual({
      ok: false,
      detail: 'invalid type: null, expected a boolean',
    });
  });
});

describe('u64 fields decoded from MessagePack as bigint (§1.4, §2.2)', () => {
  it('accepts 0 ≤ n < 2^64 and names the value otherwise', () => {
    expect(parseEnvelope({ ...base, response_timeout_ms: 2n ** 64n - 1n }).ok).toBe(true);
    expect(parseEnvelope({ ...base, response_timeout_ms: 2n ** 64n })).toEqual({
      ok: false,
      detail: 'invalid value: integer `18446744073709551616`, expected u64',
    });
    expect(parseEnvelope({ ...base, response_timeout_ms: -3n })).toEqual({
      ok: false,
      detail: 'invalid value: integer `-3`, expected u64',
    });
  });
});

describe('field tables for new frame types (parseStruct)', () => {
  const PATTERN_FIELDS = { correlation_id: 'string', patterns: 'string[]' } as const;

  it('checks the fields in table order and names the struct of a non-map body', () => {
    expect(parseStruct({ correlation_id: 'p', patterns: ['Order*'] }, 'IpcPatternRequest', PATTERN_FIELDS).ok).toBe(
      true,
    );
    expect(parseStruct({ patterns: 3 }, 'IpcPatternRequest', PATTERN_FIELDS)).toEqual({
      ok: false,
      detail: 'missing field `correlation_id`',
    });
    expect(parseStruct('x', 'IpcPatternRequest', PATTERN_FIELDS)).toEqual({
      ok: false,
      detail: 'invalid type: string "x", expected struct IpcPatternRequest',
    });
  });
});
