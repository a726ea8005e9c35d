import { setTimeout as sleep } from 'node:timers/promises';
import { encodeJsonFrame } from '../../lib/ipc/protocol/frame-encoder';
import { Format, MessageType } from '../../lib/ipc/protocol/wire-types';
import { IpcTestApp, useSharedIpcTestApp } from '../support/ipc-test-app';
import { RawFrameClient } from '../support/raw-frame-client';
import { PriceUpdate, TradeExecuted } from './fixtures/test-messages';
import { TEST_ACTORS } from './fixtures/test-actors';

const psub = (client: RawFrameClient, id: string, patterns: unknown, format: Format = Format.JSON) =>
  client.send(MessageType.SUBSCRIBE_PATTERNS, { correlation_id: id, patterns }, format);
const punsub = (client: RawFrameClient, id: string, patterns: unknown) =>
  client.send(MessageType.UNSUBSCRIBE_PATTERNS, { correlation_id: id, patterns });
const price = (symbol: string, value: number) => Object.assign(new PriceUpdate(), { symbol, price: value });
const trade = (symbol: string) => Object.assign(new TradeExecuted(), { symbol });

/** The exact bytes of a pattern answer (§11.1: always 0x02, JSON here; key order as the reference writes it). */
function patternAnswer(id: string, patterns: string[], error?: string): Buffer {
  const errorPart = error === undefined ? '' : `,"error":${JSON.stringify(error)}`;
  const body = `{"correlation_id":${JSON.stringify(id)},"success":${error === undefined}${errorPart},"subscribed_patterns":${JSON.stringify(patterns)}}`;
  return encodeJsonFrame(MessageType.RESPONSE, body);
}

async function nextBytes(client: RawFrameClient): Promise<Buffer> {
  const frame = await client.next();
  const header = Buffer.alloc(7);
  header.writeUInt32BE(frame.payload.length, 0);
  header[4] = 2;
  header[5] = frame.type;
  header[6] = frame.format;
  return Buffer.concat([header, frame.payload]);
}

describe('pattern subscriptions over a real socket (docs/protocol.md §11.1)', () => {
  let t: IpcTestApp;
  useSharedIpcTestApp(TEST_ACTORS, { onApp: (app) => (t = app) });

  it('answers a subscribe with 0x02 and every held pattern, sorted, byte for byte', async () => {
    const client = await t.connect();
    psub(client, 'psub_1', ['Order*', '*', 'Order*']);
    expect(await nextBytes(client)).toEqual(patternAnswer('psub_1', ['*', 'Order*']));
    psub(client, 'psub_2', []); // an empty subscribe changes nothing
    expect(await nextBytes(client)).toEqual(patternAnswer('psub_2', ['*', 'Order*']));
    punsub(client, 'punsub_1', ['*', 'Nope*']);
    expect(await nextBytes(client)).toEqual(patternAnswer('punsub_1', ['Order*']));
  });

  it('rejects a bad pattern with the reference text in a 0x02 frame, all or nothing', async () => {
    const client = await t.connect();
    psub(client, 'a', ['A*']);
    await client.next();
    const cases: [unknown, string][] = [
      [['B*', 'Or*der'], "pattern must contain exactly one terminal '*'"],
      [['B*', 'Order'], "pattern must contain exactly one terminal '*'"],
      [['B*', '**'], "pattern must contain exactly one terminal '*'"],
      [['x'.repeat(300)], 'pattern exceeds 256 UTF-8 bytes'],
      [['é'.repeat(128) + '*'], 'pattern exceeds 256 UTF-8 bytes'],
      [Array(129).fill('A*'), 'pattern limit of 128 exceeded'],
    ];
    for (const [i, [patterns, error]] of cases.entries()) {
      psub(client, `bad_${i}`, patterns);
      expect(await nextBytes(client)).toEqual(patternAnswer(`bad_${i}`, [], error));
      punsub(client, `ubad_${i}`, patterns);
      expect(await nextBytes(client)).toEqual(patternAnswer(`ubad_${i}`, [], error));
    }
    psub(client, 'check', []);
    expect((await client.next()).body.subscribed_patterns).toEqual(['A*']);
  });

  it('counts the 128-pattern limit over the union held by the connection', async () => {
    const client = await t.connect();
    psub(
      client,
      'many',
      Array.from({ length: 128 }, (_, i) => `P${i}*`),
    );
    expect((await client.next()).body.subscribed_patterns).toHaveLength(128);
    psub(client, 'again', ['P0*', 'P1*']); // already held: still 128
    expect((await client.next()).body).toMatchObject({ success: true });
    psub(client, 'one_more', ['Q*']);
    expect(await nextBytes(client)).toEqual(patternAnswer('one_more', [], 'pattern limit of 128 exceeded'));
  });

  it('answers a body that does not parse with id "unknown" and "Parse error: …", still 0x02', async () => {
    const client = await t.connect();
    client.send(MessageType.SUBSCRIBE_PATTERNS, 'not json');
    client.send(MessageType.UNSUBSCRIBE_PATTERNS, { correlation_id: 'p', patterns: 'A*' });
    const [notJson, wrongShape] = await client.nextFrames(2);
    for (const frame of [notJson, wrongShape]) {
      expect(frame.type).toBe(MessageType.RESPONSE);
      expect(frame.body).toEqual({
        correlation_id: 'unknown',
        success: false,
        error: expect.stringMatching(/^Parse error: /),
        subscribed_patterns: [],
      });
    }
    expect(wrongShape.body.error).toBe(
      'Parse error: Serialization error: invalid type: string "A*", expected a sequence',
    );
  });

  it('answers a MessagePack pattern frame in MessagePack, still 0x02', async () => {
    const client = await t.connect();
    psub(client, 'mp', ['Price*'], Format.MSGPACK);
    const frame = await client.next();
    expect([frame.type, frame.format]).toEqual([MessageType.RESPONSE, Format.MSGPACK]);
    expect(frame.body).toEqual({ correlation_id: 'mp', success: true, subscribed_patterns: ['Price*'] });
  });

  it('pushes a broadcast once per connection however many exact and pattern subscriptions match', async () => {
    const both = await t.connect();
    both.send(MessageType.SUBSCRIBE, { correlation_id: 's', message_types: ['PriceUpdate'] });
    psub(both, 'p', ['Price*', 'P*', '*']);
    const trades = await t.connect();
    psub(trades, 'p', ['Trade*']);
    const bystander = await t.connect();
    psub(bystander, 'p', ['Order*', 'PriceUpdates*', 'price*']);
    await both.nextFrames(2);
    await trades.next();
    await bystander.next();
    t.app.broker.broadcast(price('ONCE', 1));
    t.app.broker.broadcast(trade('T1'));
    const pushes = await both.nextFrames(2);
    expect(pushes.map((p) => [p.type, p.body.message_type])).toEqual([
      [MessageType.PUSH, 'PriceUpdate'],
      [MessageType.PUSH, 'TradeExecuted'],
    ]);
    expect((await trades.next()).body).toMatchObject({ message_type: 'TradeExecuted', payload: { symbol: 'T1' } });
    expect(await both.quietFor(100)).toBe(true);
    expect(await trades.quietFor(0)).toBe(true);
    expect(await bystander.quietFor(0)).toBe(true);
  });

  it('UnsubscribePatterns [] removes every pattern and keeps exact subscriptions', async () => {
    const client = await t.connect();
    client.send(MessageType.SUBSCRIBE, { correlation_id: 's', message_types: ['PriceUpdate'] });
    psub(client, 'p', ['Trade*', 'Price*']);
    punsub(client, 'u', []);
    const [, , cleared] = await client.nextFrames(3);
    expect(cleared.body).toEqual({ correlation_id: 'u', success: true, subscribed_patterns: [] });
    t.app.broker.broadcast(trade('GONE'));
    t.app.broker.broadcast(price('KEPT', 2));
    expect((await client.next()).body).toMatchObject({ message_type: 'PriceUpdate', payload: { symbol: 'KEPT' } });
    expect(await client.quietFor(100)).toBe(true);
  });

  it('an exact Unsubscribe with [] clears pattern subscriptions too', async () => {
    const client = await t.connect();
    psub(client, 'p', ['Price*']);
    await client.next();
    client.send(MessageType.UNSUBSCRIBE, { correlation_id: 'u', message_types: [] });
    expect((await client.next()).body).toEqual({ correlation_id: 'u', success: true, subscribed_types: [] });
    psub(client, 'check', []);
    expect((await client.next()).body.subscribed_patterns).toEqual([]);
    t.app.broker.broadcast(price('NONE', 3));
    expect(await client.quietFor(100)).toBe(true);
  });

  it('counts pattern subscriptions in the listener stats and forgets them on disconnect', async () => {
    const before = t.app.listener!.stats();
    const client = await t.connect();
    psub(client, 'p', ['X*', 'Y*']);
    await client.next();
    const during = t.app.listener!.stats();
    expect(during.activePatternSubscriptions - before.activePatternSubscriptions).toBe(2);
    expect(during.subscriptionsProcessed - before.subscriptionsProcessed).toBe(1);
    await client.close();
    for (
      let i = 0;
      i < 100 && t.app.listener!.stats().activePatternSubscriptions !== before.activePatternSubscriptions;
      i++
    )
      await sleep(10);
    expect(t.app.listener!.stats().activePatternSubscriptions).toBe(before.activePatternSubscriptions);
  });
});

describe('pattern frames and the per-connection rate limit (docs/protocol.md §11.1, §5.1)', () => {
  let t: IpcTestApp;
  useSharedIpcTestApp(
    TEST_ACTORS,
    { onApp: (app) => (t = app) },
    { rateLimit: { enabled: true, requestsPerSecond: 1, burstSize: 2 } },
  );

  it('takes one token per pattern frame; an empty bucket gets the reference text; exact subscribes stay unlimited', async () => {
    const client = await t.connect();
    psub(client, 'p1', ['A*']);
    punsub(client, 'p2', ['A*']);
    psub(client, 'p3', ['B*']);
    for (let i = 0; i < 5; i++) client.send(MessageType.SUBSCRIBE, { correlation_id: `s${i}`, message_types: ['X'] });
    client.request({
      correlation_id: 'r1',
      target: 'calculator',
      message_type: 'Add',
      payload: { a: 1, b: 2 },
      expects_reply: true,
    });
    const frames = await client.nextFrames(9);
    expect(frames[0]!.body).toEqual({ correlation_id: 'p1', success: true, subscribed_patterns: ['A*'] });
    expect(frames[1]!.body).toEqual({ correlation_id: 'p2', success: true, subscribed_patterns: [] });
    expect(frames[2]!.type).toBe(MessageType.RESPONSE);
    expect(frames[2]!.body).toEqual({
      correlation_id: 'p3',
      success: false,
      error: 'Pattern subscription request rate limit exceeded',
      subscribed_patterns: [],
    });
    expect(frames.slice(3, 8).every((f) => f.body.success === true)).toBe(true);
    expect(frames[8]!.body).toMatchObject({ correlation_id: 'r1', error_code: 'RATE_LIMITED' }); // the bucket is shared
  });
});

describe('a connection holding only patterns is a subscriber for timeouts (docs/protocol.md §11.1, §5.3)', () => {
  let t: IpcTestApp;
  useSharedIpcTestApp(
    TEST_ACTORS,
    { onApp: (app) => (t = app) },
    { timeouts: { readTimeoutMs: 200, subscriptionReadTimeoutMs: 0 } },
  );

  it('stays open while idle under subscription_read_timeout_ms = 0, and falls back to read_timeout_ms once it has none', async () => {
    const client = await t.connect();
    psub(client, 'p', ['Price*']);
    await client.next();
    await sleep(700);
    expect(client.eof).toBe(false);
    punsub(client, 'u', []);
    await client.next();
    await client.waitForEof(3000);
  });
});
