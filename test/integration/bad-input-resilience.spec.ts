import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MessageType } from '../../lib/ipc/protocol/wire-types';
import { isolateIpcEnvironment, IpcTestApp, startIpcTestApp } from '../support/ipc-test-app';
import { PriceUpdate } from './fixtures/test-messages';
import { TEST_ACTORS } from './fixtures/test-actors';

const add = {
  correlation_id: 'ok',
  target: 'calculator',
  message_type: 'Add',
  payload: { a: 1, b: 1 },
  expects_reply: true,
};

describe('bad input never takes the server down', () => {
  let restore: () => void;
  let t: IpcTestApp;

  beforeAll(async () => {
    restore = isolateIpcEnvironment();
    t = await startIpcTestApp(TEST_ACTORS, { limits: { pushBufferSize: 4 } });
  });
  afterAll(async () => {
    await t.close();
    restore();
  });

  async function freshConnectionIsServed(): Promise<void> {
    const client = await t.connect();
    client.request(add);
    expect((await client.next()).body).toEqual({ correlation_id: 'ok', success: true, payload: { sum: 2 } });
  }

  it('garbage bytes', async () => {
    for (let i = 0; i < 20; i++) {
      const client = await t.connect();
      client.write(randomBytes(1 + ((i * 37) % 300)));
      client.endWriting();
      await client.waitForEof();
    }
    await freshConnectionIsServed();
  });

  it('an oversize LEN, truncated frames and unknown types', async () => {
    const oversize = await t.connect();
    oversize.write('7f ff ff ff 02 01 01');
    await oversize.waitForEof();
    const truncated = await t.connect();
    truncated.write('00 00 10 00 02 01 01 7b 22 61');
    await truncated.close();
    const unknown = await t.connect();
    unknown.write('00 00 00 00 02 42 01');
    await unknown.waitForEof();
    await freshConnectionIsServed();
  });

  it('invalid JSON and wrong shapes on every request-like type keep the connection open', async () => {
    const client = await t.connect();
    for (const type of [MessageType.REQUEST, MessageType.SUBSCRIBE, MessageType.UNSUBSCRIBE, MessageType.DISCOVER]) {
      client.send(type, '{nope');
      client.send(type, '[1,2,3]');
      client.send(type, 'null');
    }
    const answers = await client.nextFrames(12);
    expect(answers.every((f) => f.type === MessageType.ERROR && f.body.correlation_id === 'unknown')).toBe(true);
    client.request(add);
    expect((await client.next()).body.success).toBe(true);
  });

  it('clients that vanish mid-request and mid-stream, and one that never reads its pushes', async () => {
    const vanishing = await t.connect();
    vanishing.request({ ...add, correlation_id: 'v', target: 'sleeper', message_type: 'Sleep', payload: { ms: 100 } });
    vanishing.request({
      correlation_id: 'vs',
      target: 'streamer',
      message_type: 'Count',
      payload: { count: 100, delayMs: 5 },
      expects_stream: true,
    });
    await sleep(20);
    await vanishing.close();

    const deaf = await t.connect();
    deaf.send(MessageType.SUBSCRIBE, { correlation_id: 's', message_types: ['PriceUpdate'] });
    await deaf.next();
    deaf.socket.pause();
    for (let i = 0; i < 300; i++)
      t.app.broker.broadcast(Object.assign(new PriceUpdate(), { symbol: 'Z'.repeat(5000), price: i }));
    await sleep(200);
    expect(t.app.listener!.stats().pushNotificationsDropped).toBeGreaterThan(0);
    expect(t.app.listener!.stats().inFlightRequests).toBe(0);
    await freshConnectionIsServed();
  });
});
