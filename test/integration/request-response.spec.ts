import { Actor, MessageContext, OnMessage } from 'acton-ts';
import { MessageType } from '../../lib/ipc/protocol/wire-types';
import { isolateIpcEnvironment, startIpcTestApp, useSharedIpcTestApp, withIpcTestApp } from '../support/ipc-test-app';
import { RawFrameClient } from '../support/raw-frame-client';
import { Add } from '../support/test-messages';
import { TEST_ACTORS } from './fixtures/test-actors';

const envelope = (id: string, target: string, type: string, payload: unknown, extra: Record<string, unknown> = {}) => ({
  correlation_id: id,
  target,
  message_type: type,
  payload,
  ...extra,
});
const ask = (id: string, target: string, type: string, payload: unknown, extra: Record<string, unknown> = {}) =>
  envelope(id, target, type, payload, { expects_reply: true, ...extra });

async function heartbeatStillAnswered(client: RawFrameClient): Promise<void> {
  client.write('00000000020401');
  expect((await client.next()).type).toBe(MessageType.HEARTBEAT);
}

describe('request envelopes and request-response (docs/protocol.md §2.2, §3.1–§3.3)', () => {
  let client: RawFrameClient;
  useSharedIpcTestApp(TEST_ACTORS, { onApp: () => undefined, onClient: (c) => (client = c) });

  it('golden bytes: a hand-written v2 JSON request is answered with the exact response bytes', async () => {
    const body =
      '{"correlation_id":"req_01h9xz7n2e5p6q8r3t1u2v3w4x","target":"calculator","message_type":"Add","payload":{"a":5,"b":3},"expects_reply":true,"response_timeout_ms":5000}';
    client.write(Buffer.concat([Buffer.from('000000a6020101', 'hex'), Buffer.from(body)]));
    await client.next();
    const answer = '{"correlation_id":"req_01h9xz7n2e5p6q8r3t1u2v3w4x","success":true,"payload":{"sum":8}}';
    expect(client.bytes.toString('hex')).toBe('00000056020201' + Buffer.from(answer).toString('hex'));
  });

  it('§10.14 invalid JSON gets SERIALIZATION_ERROR "Failed to parse envelope: ..." with id "unknown"; the connection stays open', async () => {
    client.send(MessageType.REQUEST, '{"correlation_id":"x",');
    const frame = await client.next();
    expect(frame.type).toBe(MessageType.ERROR);
    expect(frame.body).toMatchObject({ correlation_id: 'unknown', success: false, error_code: 'SERIALIZATION_ERROR' });
    expect(frame.body.error).toMatch(/^Failed to parse envelope: Serialization error: /);
    await heartbeatStillAnswered(client);
  });

  it('§10.15 a request missing target (with a correlation_id) gets SERIALIZATION_ERROR with id "unknown"', async () => {
    client.request({ correlation_id: 'no-target', message_type: 'Add', payload: { a: 1, b: 2 }, expects_reply: true });
    const frame = await client.next();
    expect(frame.body).toEqual({
      correlation_id: 'unknown',
      success: false,
      error: 'Failed to parse envelope: Serialization error: missing field `target`',
      error_code: 'SERIALIZATION_ERROR',
    });
  });

  it('rejects null for a bool and for response_timeout_ms (§2.2)', async () => {
    client.request(ask('n1', 'calculator', 'Add', { a: 1, b: 2 }, { expects_reply: null }));
    client.request(ask('n2', 'calculator', 'Add', { a: 1, b: 2 }, { response_timeout_ms: null }));
    const [a, b] = await client.nextFrames(2);
    expect(a.body.error).toBe('Failed to parse envelope: Serialization error: invalid type: null, expected a boolean');
    expect(b.body.error).toBe('Failed to parse envelope: Serialization error: invalid type: null, expected u64');
  });

  it.each(['hidden', 'pricing'])(
    '§10.16 a request to the unexposed actor %s yields ACTOR_NOT_FOUND with the same id',
    async (target) => {
      client.request(ask('r16', target, 'Add', { a: 1, b: 2 }));
      const frame = await client.next();
      expect(frame.type).toBe(MessageType.ERROR);
      expect(frame.body).toEqual({
        correlation_id: 'r16',
        success: false,
        error: `Actor not found: ${target}`,
        error_code: 'ACTOR_NOT_FOUND',
      });
    },
  );

  it('§10.17 an unregistered message_type to an exposed actor yields UNKNOWN_MESSAGE_TYPE', async () => {
    client.request(ask('r17', 'calculator', 'Multiply', { a: 1 }));
    expect((await client.next()).body).toEqual({
      correlation_id: 'r17',
      success: false,
      error: 'Unknown message type: Multiply',
      error_code: 'UNKNOWN_MESSAGE_TYPE',
    });
  });

  it('a registered type the actor handles only in-process is UNKNOWN_MESSAGE_TYPE, saying why', async () => {
    client.request(ask('r17b', 'calculator', 'Internal', {}));
    const frame = await client.next();
    expect(frame.body.error_code).toBe('UNKNOWN_MESSAGE_TYPE');
    expect(frame.body.error).toMatch(
      /^Unknown message type: Internal \(actor 'calculator' handles it in-process only; add ipc: true/,
    );
  });

  it('§10.18 an unknown target and an unknown type yields ACTOR_NOT_FOUND', async () => {
    client.request(ask('r18', 'nobody', 'Nothing', {}));
    expect((await client.next()).body.error_code).toBe('ACTOR_NOT_FOUND');
  });

  it('§10.19 a payload that does not fit the type yields SERIALIZATION_ERROR "Serialization error: ..."', async () => {
    client.request(ask('r19', 'calculator', 'Add', { a: 'five', b: 3 }));
    const frame = await client.next();
    expect(frame.body).toMatchObject({ correlation_id: 'r19', success: false, error_code: 'SERIALIZATION_ERROR' });
    expect(frame.body.error).toMatch(/^Serialization error: .*\ba\b/);
  });

  it('§10.20 fire-and-forget is acknowledged {"status":"delivered"} at once, not after the 1 s handler', async () => {
    const started = Date.now();
    client.request(envelope('f20', 'sleeper', 'Sleep', { ms: 1000 }));
    const frame = await client.next();
    expect(Date.now() - started).toBeLessThan(800);
    expect(frame.type).toBe(MessageType.RESPONSE);
    expect(frame.payload.toString()).toBe('{"correlation_id":"f20","success":true,"payload":{"status":"delivered"}}');
  });

  it('§10.21 an envelope with only the four required fields is fire-and-forget; expects_reply without a timeout has a 30000 ms deadline', async () => {
    client.request(envelope('f21', 'calculator', 'Add', { a: 1, b: 1 }));
    expect((await client.next()).body).toEqual({
      correlation_id: 'f21',
      success: true,
      payload: { status: 'delivered' },
    });
    client.request(ask('d21', 'quirky', 'DeadlineProbe', {}));
    const { remainingMs } = (await client.next()).body.payload;
    expect(remainingMs).toBeGreaterThan(25_000);
    expect(remainingMs).toBeLessThanOrEqual(30_000);
  });

  it('§10.22 unknown extra envelope fields are accepted', async () => {
    client.request(ask('r22', 'calculator', 'Add', { a: 2, b: 2 }, { priority: 'high', trace: { id: 1 } }));
    expect((await client.next()).body).toEqual({ correlation_id: 'r22', success: true, payload: { sum: 4 } });
  });

  it('§10.23 a reply {sum:8} is exactly {"correlation_id":<id>,"success":true,"payload":{"sum":8}} with no error keys', async () => {
    client.request(ask('r23', 'calculator', 'Add', { a: 5, b: 3 }));
    const frame = await client.next();
    expect(frame.type).toBe(MessageType.RESPONSE);
    expect(frame.payload.toString()).toBe('{"correlation_id":"r23","success":true,"payload":{"sum":8}}');
  });

  it('§10.24 a handler that replies twice produces one response, the first', async () => {
    client.request(ask('r24', 'quirky', 'ReplyTwice', {}));
    expect((await client.next()).body).toEqual({ correlation_id: 'r24', success: true, payload: { n: 1 } });
    expect(await client.quietFor(150)).toBe(true);
  });

  it('§10.25 a handler that returns without replying yields the exact no-reply IO_ERROR', async () => {
    client.request(ask('r25', 'quirky', 'NoReply', {}));
    expect((await client.next()).body).toEqual({
      correlation_id: 'r25',
      success: false,
      error: 'I/O error: Response channel closed without receiving a response',
      error_code: 'IO_ERROR',
    });
  });

  it('§10.26 a thrown error yields HANDLER_ERROR with the message and error_details (D1)', async () => {
    client.request(ask('r26a', 'quirky', 'Fail', { how: 'error' }));
    client.request(ask('r26b', 'quirky', 'Fail', { how: 'actor-error' }));
    client.request(ask('r26c', 'quirky', 'Fail', { how: 'actor-error-data' }));
    client.request(ask('r26d', 'quirky', 'Fail', { how: 'custom' }));
    const bodies = (await client.nextFrames(4)).map((f) => f.body);
    const byId = Object.fromEntries(bodies.map((b) => [b.correlation_id, b]));
    expect(byId.r26a).toEqual({
      correlation_id: 'r26a',
      success: false,
      error: 'boom',
      error_code: 'HANDLER_ERROR',
      error_details: { name: 'TypeError' },
    });
    expect(byId.r26b).toEqual({
      correlation_id: 'r26b',
      success: false,
      error: 'Product not found: gizmo',
      error_code: 'PRODUCT_NOT_FOUND',
      error_details: { name: 'ActorError' },
    });
    expect(byId.r26c.error_details).toEqual({ name: 'ActorError', data: { available: 0 } });
    expect(byId.r26d).toMatchObject({
      error: 'inventory offline',
      error_code: 'HANDLER_ERROR',
      error_details: { name: 'InventoryError' },
    });
  });

  it('§10.27 a 200 ms deadline on a 1 s handler yields TIMEOUT after about 200 ms', async () => {
    const started = Date.now();
    client.request(ask('r27', 'sleeper', 'Sleep', { ms: 1000 }, { response_timeout_ms: 200 }));
    const frame = await client.next();
    const elapsed = Date.now() - started;
    expect(frame.body).toEqual({
      correlation_id: 'r27',
      success: false,
      error: 'Request timed out after 200 ms waiting for response',
      error_code: 'TIMEOUT',
    });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1000); // before the handler's own reply
    expect(await client.quietFor(1000)).toBe(true); // the late reply is discarded
  });

  it('response_timeout_ms 0 is an immediate TIMEOUT, and a huge value is clamped for the timer (§2.2, §9)', async () => {
    client.request(ask('t0', 'calculator', 'Add', { a: 1, b: 1 }, { response_timeout_ms: 0 }));
    expect((await client.next()).body).toMatchObject({
      correlation_id: 't0',
      error_code: 'TIMEOUT',
      error: 'Request timed out after 0 ms waiting for response',
    });
    client.request(ask('tbig', 'calculator', 'Add', { a: 1, b: 1 }, { response_timeout_ms: 9_000_000_000_000 }));
    expect((await client.next()).body).toEqual({ correlation_id: 'tbig', success: true, payload: { sum: 2 } });
  });

  it.each(['circular', 'bigint', 'function'])(
    '§10.28 an unserializable (%s) reply is a success with an _ipc_fallback payload',
    async (kind) => {
      client.request(ask(`r28-${kind}`, 'quirky', 'Unencodable', { kind }));
      const frame = await client.next();
      expect(frame.type).toBe(MessageType.RESPONSE);
      expect(frame.body.success).toBe(true);
      expect(frame.body.payload._ipc_fallback).toBe(true);
      expect(typeof frame.body.payload.type).toBe('string');
      expect(typeof frame.body.payload.debug).toBe('string');
    },
  );
});

describe('handler errors hidden like the reference (compat.handler_errors = "hidden")', () => {
  it('§10.26 a thrown error yields the no-reply IO_ERROR instead', async () => {
    const restore = isolateIpcEnvironment();
    const t = await startIpcTestApp(TEST_ACTORS, { compat: { handlerErrors: 'hidden' } });
    try {
      const client = await t.connect();
      client.request(ask('h1', 'quirky', 'Fail', { how: 'actor-error-data' }));
      expect((await client.next()).body).toEqual({
        correlation_id: 'h1',
        success: false,
        error: 'I/O error: Response channel closed without receiving a response',
        error_code: 'IO_ERROR',
      });
      expect(
        t.logs.some((line) => line.startsWith('warn IPC request h1') && line.includes('Out of stock: gizmo')),
      ).toBe(true);
    } finally {
      await t.close();
      restore();
    }
  });
});

/** A keyed actor: served per key (`tally/<key>`), never under its bare name. */
@Actor({ name: 'tally', cluster: 'keyed' })
class KeyedTallyActor {
  private total = 0;

  @OnMessage({ ipc: true })
  add(msg: Add, ctx: MessageContext): { key: string | undefined; total: number } {
    this.total += msg.a + msg.b;
    return { key: ctx.key, total: this.total };
  }
}

describe("a keyed actor's bare name as target (docs/protocol.md §3.1 step 6)", () => {
  const keyedError = "Actor not found: tally (a keyed actor: address one key as 'tally/<key>')";

  it('answers ACTOR_NOT_FOUND naming the actor and the tally/<key> form, for requests, tells and streams', async () => {
    await withIpcTestApp([KeyedTallyActor], {}, async (t) => {
      const client = await t.connect();
      client.request(ask('k1', 'tally', 'Add', { a: 1, b: 2 }));
      client.request(ask('k2', 'tally', 'Nothing', {})); // the target is looked up before the type
      client.request(envelope('k3', 'tally', 'Add', { a: 1, b: 2 }));
      client.request(envelope('k4', 'tally', 'Add', { a: 1, b: 2 }, { expects_stream: true }));
      client.request(ask('k5', 'tally/u-1', 'Add', { a: 1, b: 2 }));
      const frames = await client.nextFrames(5);
      const byId = new Map(frames.map((frame) => [frame.body.correlation_id, frame]));
      for (const id of ['k1', 'k2', 'k3']) {
        expect(byId.get(id)!.type).toBe(MessageType.ERROR);
        expect(byId.get(id)!.body).toEqual({
          correlation_id: id,
          success: false,
          error: keyedError,
          error_code: 'ACTOR_NOT_FOUND',
        });
      }
      expect(byId.get('k4')!.type).toBe(MessageType.STREAM);
      expect(byId.get('k4')!.body).toEqual({
        correlation_id: 'k4',
        sequence: 0,
        is_final: true,
        error: keyedError,
        error_code: 'STREAM_ERROR',
      });
      expect(byId.get('k5')!.body).toEqual({ correlation_id: 'k5', success: true, payload: { key: 'u-1', total: 3 } });
      expect(t.app.listener!.stats()).toMatchObject({ messagesProcessed: 1, errors: 4 });
    });
  });

  it('serves tally/<key> while tally is exposed, and neither once it is hidden', async () => {
    await withIpcTestApp([KeyedTallyActor], {}, async (t) => {
      const client = await t.connect();
      const listener = t.app.listener!;
      const tally = t.app.keyedActor('tally')!;
      expect(listener.hide('tally')).toBe(true);
      client.request(ask('h1', 'tally/u-2', 'Add', { a: 1, b: 1 }));
      expect((await client.next()).body).toEqual({
        correlation_id: 'h1',
        success: false,
        error: 'Actor not found: tally/u-2',
        error_code: 'ACTOR_NOT_FOUND',
      });
      listener.expose('tally', tally);
      client.request(ask('h2', 'tally/u-2', 'Add', { a: 1, b: 1 }));
      expect((await client.next()).body).toMatchObject({
        correlation_id: 'h2',
        success: true,
        payload: { key: 'u-2' },
      });
    });
  });
});
