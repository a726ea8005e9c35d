import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import { typeIdTimestamp } from '../../lib/ipc/protocol/correlation-id';
import { Format, MessageType } from '../../lib/ipc/protocol/wire-types';
import { isolateIpcEnvironment, IpcTestApp, startIpcTestApp, useSharedIpcTestApp } from '../support/ipc-test-app';
import { RawFrameClient } from '../support/raw-frame-client';
import { PriceUpdate } from '../support/test-messages';
import { TEST_ACTORS } from './fixtures/test-actors';

const subscribe = (client: RawFrameClient, id: string, types: string[], format: Format = Format.JSON) =>
  client.send(MessageType.SUBSCRIBE, { correlation_id: id, message_types: types }, format);
const unsubscribe = (client: RawFrameClient, id: string, types: string[]) =>
  client.send(MessageType.UNSUBSCRIBE, { correlation_id: id, message_types: types });
const price = (symbol: string, value: number) => Object.assign(new PriceUpdate(), { symbol, price: value });

describe('subscriptions and pushes (docs/protocol.md §2.5, §2.6, §5.4, §6)', () => {
  let t: IpcTestApp;
  useSharedIpcTestApp(TEST_ACTORS, { onApp: (app) => (t = app) });

  it('§10.50 subscribe ["PriceUpdate","TradeExecuted"] yields 0x02 with the same id and exactly those names', async () => {
    const client = await t.connect();
    subscribe(client, 'sub_50', ['PriceUpdate', 'TradeExecuted']);
    const frame = await client.next();
    expect(frame.type).toBe(MessageType.RESPONSE);
    expect(frame.body.correlation_id).toBe('sub_50');
    expect(frame.body.success).toBe(true);
    expect([...frame.body.subscribed_types].sort()).toEqual(['PriceUpdate', 'TradeExecuted']);
    expect(Object.keys(frame.body).sort()).toEqual(['correlation_id', 'subscribed_types', 'success']);
  });

  it('§10.51 §10.52 §10.53 unregistered names are accepted; repeats change nothing; unsubscribe returns the rest; [] removes all', async () => {
    const client = await t.connect();
    subscribe(client, 's1', ['PriceUpdate', 'NoSuchType']);
    expect([...(await client.next()).body.subscribed_types].sort()).toEqual(['NoSuchType', 'PriceUpdate']);
    subscribe(client, 's2', ['PriceUpdate']);
    expect([...(await client.next()).body.subscribed_types].sort()).toEqual(['NoSuchType', 'PriceUpdate']);
    unsubscribe(client, 'u1', ['PriceUpdate']);
    const remaining = await client.next();
    expect(remaining.type).toBe(MessageType.RESPONSE);
    expect(remaining.body).toEqual({ correlation_id: 'u1', success: true, subscribed_types: ['NoSuchType'] });
    unsubscribe(client, 'u2', []);
    expect((await client.next()).body).toEqual({ correlation_id: 'u2', success: true, subscribed_types: [] });
  });

  it('§10.54 a subscribe body that fails to decode yields 0x03 "Parse error: ..." with id "unknown" and subscribed_types []', async () => {
    const client = await t.connect();
    client.send(MessageType.SUBSCRIBE, { correlation_id: 'bad', message_types: 'PriceUpdate' });
    client.send(MessageType.SUBSCRIBE, 'not json');
    const [wrongShape, notJson] = await client.nextFrames(2);
    expect(wrongShape.type).toBe(MessageType.ERROR);
    expect(wrongShape.body).toEqual({
      correlation_id: 'unknown',
      success: false,
      error: 'Parse error: Serialization error: invalid type: string "PriceUpdate", expected a sequence',
      subscribed_types: [],
    });
    expect(notJson.body.error).toMatch(/^Parse error: Serialization error: /);
    expect(notJson.body.subscribed_types).toEqual([]);
  });

  it('§10.55 golden push: an actor broadcast arrives as a 0x05 JSON frame with push_ id, type, payload, timestamp_ms and source_actor (D5)', async () => {
    const client = await t.connect();
    subscribe(client, 's55', ['PriceUpdate']);
    await client.next();
    client.request({
      correlation_id: 'pub',
      target: 'ticker',
      message_type: 'Publish',
      payload: { symbol: 'ACME', count: 1 },
      expects_reply: true,
    });
    const { frame: push } = await client.nextWhere((f) => f.type === MessageType.PUSH);
    const json = `{"notification_id":"${push.body.notification_id}","message_type":"PriceUpdate","source_actor":"ticker","payload":{"symbol":"ACME","price":100},"timestamp_ms":${push.body.timestamp_ms}}`;
    const header = Buffer.from([0, 0, 0, 0, 2, 5, 1]);
    header.writeUInt32BE(Buffer.byteLength(json), 0);
    const golden = Buffer.concat([header, Buffer.from(json)]);
    expect(client.bytes.includes(golden)).toBe(true);
    expect(push.format).toBe(Format.JSON);
    expect(Object.keys(push.body)).toEqual([
      'notification_id',
      'message_type',
      'source_actor',
      'payload',
      'timestamp_ms',
    ]);
    expect(push.body.notification_id).toMatch(/^push_[0-7][0-9a-hjkmnp-tv-z]{25}$/);
    expect(push.body).toMatchObject({
      message_type: 'PriceUpdate',
      source_actor: 'ticker',
      payload: { symbol: 'ACME', price: 100 },
    });
    expect(Number.isInteger(push.body.timestamp_ms)).toBe(true);
    expect(Math.abs(push.body.timestamp_ms - Date.now())).toBeLessThan(5000);
    expect(typeIdTimestamp(push.body.notification_id)).toBe(push.body.timestamp_ms);
  });

  it('§10.55 a broadcast that no actor made carries no source_actor', async () => {
    const client = await t.connect();
    subscribe(client, 's55b', ['PriceUpdate']);
    await client.next();
    t.app.broker.broadcast(price('INITECH', 7));
    const push = await client.next();
    expect(push.type).toBe(MessageType.PUSH);
    expect('source_actor' in push.body).toBe(false);
    expect(push.body.payload).toEqual({ symbol: 'INITECH', price: 7 });
  });

  it('§10.56 two subscribers see the same notification_id; an unsubscribed connection receives nothing', async () => {
    const [a, b, idle] = [await t.connect(), await t.connect(), await t.connect()];
    subscribe(a, 'a', ['PriceUpdate']);
    subscribe(b, 'b', ['PriceUpdate']);
    subscribe(idle, 'i', ['TradeExecuted']);
    await Promise.all([a.next(), b.next(), idle.next()]);
    t.app.broker.broadcast(price('GLOBEX', 1));
    const [pa, pb] = await Promise.all([a.next(), b.next()]);
    expect(pa.body.notification_id).toBe(pb.body.notification_id);
    expect(pa.body.timestamp_ms).toBe(pb.body.timestamp_ms);
    expect(await idle.quietFor(150)).toBe(true);
  });

  it('§10.57 a MessagePack subscriber still receives pushes in JSON', async () => {
    const client = await t.connect();
    subscribe(client, 'mp', ['PriceUpdate'], Format.MSGPACK);
    const answer = await client.next();
    expect(answer.format).toBe(Format.MSGPACK);
    expect(answer.body).toEqual({ correlation_id: 'mp', success: true, subscribed_types: ['PriceUpdate'] });
    t.app.broker.broadcast(price('ACME', 2));
    const push = await client.next();
    expect(push.format).toBe(Format.JSON);
    expect(push.body.payload).toEqual({ symbol: 'ACME', price: 2 });
  });

  it('§10.59 after a subscriber disconnects its subscriptions are gone from the stats and broadcasting skips it', async () => {
    const restoreOwn = isolateIpcEnvironment();
    const own = await startIpcTestApp(TEST_ACTORS);
    try {
      const client = await own.connect();
      subscribe(client, 'gone', ['PriceUpdate', 'TradeExecuted']);
      await client.next();
      expect(own.app.listener!.stats().activeSubscriptions).toBe(2);
      await client.close();
      await sleep(50);
      expect(own.app.listener!.stats().activeSubscriptions).toBe(0);
      own.app.broker.broadcast(price('X', 1));
      expect(own.app.listener!.stats()).toMatchObject({ pushNotificationsSent: 0, pushNotificationsDropped: 0 });
    } finally {
      await own.close();
      restoreOwn();
    }
  });
});

describe('push buffers (docs/protocol.md §5.4)', () => {
  it('§10.58 with push_buffer_size 2 a client that does not read loses the excess; the broadcaster and other subscribers never wait', async () => {
    const restore = isolateIpcEnvironment();
    const t = await startIpcTestApp(TEST_ACTORS, { limits: { pushBufferSize: 2 } });
    try {
      const stuck = await t.connect();
      const reader = await t.connect();
      subscribe(stuck, 'stuck', ['PriceUpdate']);
      subscribe(reader, 'reader', ['PriceUpdate']);
      await Promise.all([stuck.next(), reader.next()]);
      stuck.socket.pause();
      const padding = 'x'.repeat(20_000);
      let slowest = 0;
      for (let i = 0; i < 150; i++) {
        const started = Date.now();
        t.app.broker.broadcast(price(`S${i}${padding}`, i));
        slowest = Math.max(slowest, Date.now() - started);
        await tick();
        await sleep(1);
      }
      expect(slowest).toBeLessThan(1000); // a broadcaster blocked by the stuck reader would never return
      const received = await reader.nextFrames(150, 10_000);
      expect(received.map((f) => f.body.payload.price)).toEqual(Array.from({ length: 150 }, (_, i) => i));
      const stats = t.app.listener!.stats();
      expect(stats.pushNotificationsDropped).toBeGreaterThan(0);
      expect(stats.pushNotificationsSent + stats.pushNotificationsDropped).toBe(300);
      stuck.socket.resume();
      await sleep(300);
      const got = stuck.buffered.map((f) => f.body.payload.price as number);
      expect(got.length).toBe(stats.pushNotificationsSent - 150);
      expect(got).toEqual([...got].sort((x, y) => x - y)); // in broadcast order, gaps unmarked
    } finally {
      await t.close();
      restore();
    }
  });
});
