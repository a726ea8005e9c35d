import { decode, encode } from '@msgpack/msgpack';
import { encodeFrame } from '../../lib/ipc/protocol/frame-encoder';
import { Format, MessageType } from '../../lib/ipc/protocol/wire-types';
import { IpcTestApp, useSharedIpcTestApp } from '../support/ipc-test-app';
import { RawFrameClient } from '../support/raw-frame-client';
import { TEST_ACTORS } from './fixtures/test-actors';

describe('discovery (docs/protocol.md §2.7, §0 D7)', () => {
  let t: IpcTestApp;
  let client: RawFrameClient;
  useSharedIpcTestApp(TEST_ACTORS, { onApp: (app) => (t = app), onClient: (c) => (client = c) });

  it('§10.60 golden bytes: discover {"correlation_id":"d1"} yields 0x02 with the exact protocol_version and four capabilities', async () => {
    client.write(Buffer.concat([Buffer.from('00000017020801', 'hex'), Buffer.from('{"correlation_id":"d1"}')]));
    const frame = await client.next();
    expect(frame.type).toBe(MessageType.RESPONSE);
    expect(frame.payload.toString()).toMatch(
      /^\{"correlation_id":"d1","success":true,"protocol_version":\{"current":2,"min_supported":1,"max_supported":2,"description":"v2 \(multi-format, streaming, push, discovery\)","capabilities":\{"messagepack":true,"streaming":true,"push":true,"discovery":true\}\},"actors":/,
    );
    expect(Object.keys(frame.body.protocol_version.capabilities)).toEqual([
      'messagepack',
      'streaming',
      'push',
      'discovery',
    ]);
  });

  it('§10.61 actors lists every exposed name with string name and ern; message_types lists every registered name', async () => {
    client.send(MessageType.DISCOVER, { correlation_id: 'd61' });
    const { actors, message_types } = (await client.next()).body;
    expect(actors.map((a: { name: string }) => a.name).sort()).toEqual([
      'calculator',
      'fast',
      'narrow',
      'quirky',
      'sleeper',
      'streamer',
      'ticker',
    ]);
    for (const actor of actors) expect(typeof actor.ern).toBe('string');
    for (const name of ['Add', 'AddResult', 'Sleep', 'Count', 'PriceUpdate', 'TradeExecuted', 'Internal'])
      expect(message_types).toContain(name);
  });

  it('D7: each actor lists the IPC message types it handles with their kind, and schemas describe every registered type', async () => {
    client.send(MessageType.DISCOVER, { correlation_id: 'd7' });
    const { actors, schemas } = (await client.next()).body;
    const calculator = actors.find((a: { name: string }) => a.name === 'calculator');
    expect(calculator.message_types).toEqual([{ name: 'Add', kind: 'request' }]); // Internal is not ipc
    const streamer = actors.find((a: { name: string }) => a.name === 'streamer');
    expect(streamer.message_types).toContainEqual({ name: 'Stall', kind: 'stream' }); // declared to return an Observable
    expect(schemas.Add).toMatchObject({
      title: 'Add',
      type: 'object',
      properties: { a: { type: 'integer' }, b: { type: 'integer' } },
      required: ['a', 'b'],
    });
  });

  it('§10.62 include_actors:false omits actors; include_message_types:false omits message_types', async () => {
    client.send(MessageType.DISCOVER, { correlation_id: 'a', include_actors: false });
    client.send(MessageType.DISCOVER, { correlation_id: 'b', include_message_types: false });
    const [a, b] = await client.nextFrames(2);
    expect('actors' in a.body).toBe(false);
    expect(a.body.message_types).toBeDefined();
    expect('message_types' in b.body).toBe(false);
    expect('schemas' in b.body).toBe(false);
    expect(b.body.actors).toBeDefined();
  });

  it('§10.63 a discover body that fails to decode yields 0x03 {"correlation_id":"unknown","success":false,"error":"Parse error: ..."} without error_code', async () => {
    client.send(MessageType.DISCOVER, { include_actors: true });
    const frame = await client.next();
    expect(frame.type).toBe(MessageType.ERROR);
    expect(frame.body).toEqual({
      correlation_id: 'unknown',
      success: false,
      error: 'Parse error: Serialization error: missing field `correlation_id`',
    });
  });

  it("discovery is not counted as a request and answers in the frame's format", async () => {
    const before = t.app.listener!.stats();
    client.send(MessageType.DISCOVER, { correlation_id: 'mp', include_actors: false }, Format.MSGPACK);
    const frame = await client.next();
    expect(frame.format).toBe(Format.MSGPACK);
    expect(frame.body.protocol_version.current).toBe(2);
    const after = t.app.listener!.stats();
    expect(after.messagesReceived).toBe(before.messagesReceived);
    expect(after.inFlightRequests).toBe(0);
  });
});

describe('MessagePack requests (docs/protocol.md §1.4)', () => {
  let t: IpcTestApp;
  useSharedIpcTestApp(TEST_ACTORS, { onApp: (app) => (t = app) });

  it('§10.64 a map-encoded MessagePack request gets a map-encoded MessagePack response keyed by the JSON names, absent optionals omitted', async () => {
    const client = await t.connect();
    const request = encode({
      correlation_id: 'mp1',
      target: 'calculator',
      message_type: 'Add',
      payload: { a: 5, b: 3 },
      expects_reply: true,
    });
    client.write(encodeFrame(MessageType.REQUEST, Format.MSGPACK, request));
    const frame = await client.next();
    expect(frame.format).toBe(Format.MSGPACK);
    expect(frame.payload[0]).toBe(0x83); // a map of exactly three entries: no error / error_code
    const raw = decode(frame.payload) as Record<string, unknown>;
    expect(Object.keys(raw)).toEqual(['correlation_id', 'success', 'payload']);
    expect(raw).toEqual({ correlation_id: 'mp1', success: true, payload: { sum: 8 } });
  });

  it('MessagePack streams and errors are MessagePack too', async () => {
    const client = await t.connect();
    client.write(
      encodeFrame(
        MessageType.REQUEST,
        Format.MSGPACK,
        encode({
          correlation_id: 'mps',
          target: 'streamer',
          message_type: 'Count',
          payload: { count: 1 },
          expects_stream: true,
        }),
      ),
    );
    client.write(
      encodeFrame(
        MessageType.REQUEST,
        Format.MSGPACK,
        encode({ correlation_id: 'mpe', target: 'nobody', message_type: 'Add', payload: null, expects_reply: true }),
      ),
    );
    const frames = await client.nextFrames(3);
    expect(frames.every((f) => f.format === Format.MSGPACK)).toBe(true);
    const byKind = frames.map((f) => f.body);
    expect(byKind).toContainEqual({ correlation_id: 'mps', sequence: 0, is_final: false, payload: { n: 0 } });
    expect(byKind).toContainEqual({ correlation_id: 'mps', sequence: 1, is_final: true });
    expect(byKind).toContainEqual({
      correlation_id: 'mpe',
      success: false,
      error: 'Actor not found: nobody',
      error_code: 'ACTOR_NOT_FOUND',
    });
  });

  it('§10.65 a MessagePack request whose payload contains bin yields SERIALIZATION_ERROR with id "unknown"', async () => {
    const client = await t.connect();
    const request = encode({
      correlation_id: 'bin',
      target: 'calculator',
      message_type: 'Add',
      payload: { a: new Uint8Array([1, 2, 3]), b: 1 },
      expects_reply: true,
    });
    client.write(encodeFrame(MessageType.REQUEST, Format.MSGPACK, request));
    const frame = await client.next();
    expect(frame.type).toBe(MessageType.ERROR);
    expect(frame.format).toBe(Format.MSGPACK);
    expect(frame.body).toMatchObject({ correlation_id: 'unknown', success: false, error_code: 'SERIALIZATION_ERROR' });
    expect(frame.body.error).toMatch(/^Failed to parse envelope: Serialization error: .*byte array/);
  });

  it('rejects a positional (array) MessagePack envelope with SERIALIZATION_ERROR (§1.4)', async () => {
    const client = await t.connect();
    client.write(
      encodeFrame(MessageType.REQUEST, Format.MSGPACK, encode(['arr', 'calculator', 'Add', { a: 1, b: 2 }, true])),
    );
    expect((await client.next()).body).toMatchObject({ correlation_id: 'unknown', error_code: 'SERIALIZATION_ERROR' });
  });
});
