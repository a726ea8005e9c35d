import { setTimeout as sleep } from 'node:timers/promises';
import { MessageType } from '../../lib/ipc/protocol/wire-types';
import { IpcTestApp, isolateIpcEnvironment, startIpcTestApp, useSharedIpcTestApp } from '../support/ipc-test-app';
import { RawFrameClient } from '../support/raw-frame-client';
import { FLOOD_PROGRESS, TEST_ACTORS } from './fixtures/test-actors';

const stream = (id: string, target: string, type: string, payload: unknown, extra: Record<string, unknown> = {}) => ({
  correlation_id: id,
  target,
  message_type: type,
  payload,
  expects_stream: true,
  ...extra,
});

describe('request-stream (docs/protocol.md §2.8, §3.4)', () => {
  let t: IpcTestApp;
  let client: RawFrameClient;
  useSharedIpcTestApp(TEST_ACTORS, { onApp: (app) => (t = app), onClient: (c) => (client = c) });

  it('golden bytes: a hand-written stream request is answered with exact 0x09 frames', async () => {
    const body =
      '{"correlation_id":"str_1","target":"streamer","message_type":"Count","payload":{"count":1},"expects_stream":true}';
    const header = Buffer.from([0, 0, 0, body.length, 2, 1, 1]);
    client.write(Buffer.concat([header, Buffer.from(body)]));
    await client.nextFrames(2);
    const data = '{"correlation_id":"str_1","sequence":0,"is_final":false,"payload":{"n":0}}';
    const final = '{"correlation_id":"str_1","sequence":1,"is_final":true}';
    const expected = Buffer.concat([
      Buffer.from([0, 0, 0, data.length, 2, 9, 1]),
      Buffer.from(data),
      Buffer.from([0, 0, 0, final.length, 2, 9, 1]),
      Buffer.from(final),
    ]);
    expect(client.bytes.toString('hex')).toBe(expected.toString('hex'));
  });

  it('§10.29 expects_reply and expects_stream both true is handled as a stream', async () => {
    client.request(stream('s29', 'streamer', 'Count', { count: 2 }, { expects_reply: true }));
    const frames = await client.nextFrames(3);
    expect(frames.map((f) => f.type)).toEqual([MessageType.STREAM, MessageType.STREAM, MessageType.STREAM]);
    expect(frames[2].body).toEqual({ correlation_id: 's29', sequence: 2, is_final: true });
  });

  it('§10.30 §10.35 three replies give sequence 0,1,2 (is_final false, in order) then {"sequence":3,"is_final":true} without payload', async () => {
    client.request(stream('s30', 'streamer', 'ReplyThrice', {}));
    const frames = await client.nextFrames(4);
    expect(frames.map((f) => f.body)).toEqual([
      { correlation_id: 's30', sequence: 0, is_final: false, payload: { n: 0 } },
      { correlation_id: 's30', sequence: 1, is_final: false, payload: { n: 1 } },
      { correlation_id: 's30', sequence: 2, is_final: false, payload: { n: 2 } },
      { correlation_id: 's30', sequence: 3, is_final: true },
    ]);
    expect('payload' in frames[3].body).toBe(false);
  });

  it('§10.31 a stream whose handler never replies yields exactly one final frame with sequence 0', async () => {
    client.request(stream('s31', 'quirky', 'NoReply', {}));
    const frame = await client.next();
    expect(frame.type).toBe(MessageType.STREAM);
    expect(frame.payload.toString()).toBe('{"correlation_id":"s31","sequence":0,"is_final":true}');
    expect(await client.quietFor(100)).toBe(true);
  });

  it('§10.32 a stream to an unexposed actor yields one STREAM_ERROR frame', async () => {
    client.request(stream('s32', 'hidden', 'Add', { a: 1, b: 2 }));
    const frame = await client.next();
    expect(frame.type).toBe(MessageType.STREAM);
    expect(frame.body).toEqual({
      correlation_id: 's32',
      sequence: 0,
      is_final: true,
      error: 'Actor not found: hidden',
      error_code: 'STREAM_ERROR',
    });
  });

  it('§10.33 a stream with an unregistered type yields one SERIALIZATION_ERROR frame', async () => {
    client.request(stream('s33', 'streamer', 'Nope', {}));
    expect((await client.next()).body).toEqual({
      correlation_id: 's33',
      sequence: 0,
      is_final: true,
      error: 'Unknown message type: Nope',
      error_code: 'SERIALIZATION_ERROR',
    });
  });

  it('a stream whose payload does not decode yields one SERIALIZATION_ERROR frame "Serialization error: ..."', async () => {
    client.request(stream('s33b', 'streamer', 'Count', { count: 'many' }));
    const frame = await client.next();
    expect(frame.body).toMatchObject({
      correlation_id: 's33b',
      sequence: 0,
      is_final: true,
      error_code: 'SERIALIZATION_ERROR',
    });
    expect(frame.body.error).toMatch(/^Serialization error: /);
  });

  it('§10.34 §10.35 a 300 ms stream deadline after one reply yields data frame 0 then a TIMEOUT frame with sequence 1', async () => {
    const started = Date.now();
    client.request(stream('s34', 'streamer', 'Stall', {}, { response_timeout_ms: 300 }));
    const [data, timeout] = await client.nextFrames(2);
    expect(data.body).toEqual({ correlation_id: 's34', sequence: 0, is_final: false, payload: { n: 0 } });
    expect(timeout.body).toEqual({
      correlation_id: 's34',
      sequence: 1,
      is_final: true,
      error: 'Stream timed out after 300 ms',
      error_code: 'TIMEOUT',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('response_timeout_ms 0 on a stream sends the TIMEOUT frame with sequence 0 at once', async () => {
    client.request(stream('s0', 'streamer', 'Count', { count: 3 }, { response_timeout_ms: 0 }));
    expect((await client.next()).body).toEqual({
      correlation_id: 's0',
      sequence: 0,
      is_final: true,
      error: 'Stream timed out after 0 ms',
      error_code: 'TIMEOUT',
    });
    expect(await client.quietFor(100)).toBe(true);
  });

  it('a handler error in a stream is an error frame with error_details (D1)', async () => {
    client.request(stream('sfail', 'quirky', 'Fail', { how: 'actor-error' }));
    expect((await client.next()).body).toEqual({
      correlation_id: 'sfail',
      sequence: 0,
      is_final: true,
      error: 'Product not found: gizmo',
      error_code: 'PRODUCT_NOT_FOUND',
      error_details: { name: 'ActorError' },
    });
  });

  it('an AsyncIterable is pulled only as fast as the client reads (backpressure), and every item still arrives in order', async () => {
    client.socket.pause();
    client.request(stream('flood', 'streamer', 'Flood', { count: 2000, size: 10_000 }));
    await sleep(500);
    const producedWhilePaused = FLOOD_PROGRESS.last!.count;
    expect(producedWhilePaused).toBeGreaterThan(0);
    expect(producedWhilePaused).toBeLessThan(500);
    client.socket.resume();
    const frames = await client.nextFrames(2001, 20_000);
    expect(frames.slice(0, 2000).every((f, i) => f.body.sequence === i && f.body.payload.n === i)).toBe(true);
    expect(frames[2000].body).toEqual({ correlation_id: 'flood', sequence: 2000, is_final: true });
  });

  it('a client that vanishes mid-stream stops the producer and the server keeps serving others', async () => {
    client.request(stream('gone', 'streamer', 'Flood', { count: 1_000_000, size: 100 }));
    await client.next();
    await client.close();
    await sleep(100);
    const producedAfterClose = FLOOD_PROGRESS.last!.count;
    await sleep(200);
    expect(FLOOD_PROGRESS.last!.count).toBe(producedAfterClose);
    expect(producedAfterClose).toBeLessThan(1_000_000);
    expect(t.app.listener!.stats().inFlightRequests).toBe(0);
    const fresh = await t.connect();
    fresh.request(stream('after', 'streamer', 'Count', { count: 1 }));
    expect((await fresh.nextFrames(2))[1].body).toEqual({ correlation_id: 'after', sequence: 1, is_final: true });
  });
});

describe('stream handler errors hidden like the reference', () => {
  it('§10.26 a stream whose handler throws ends with a normal final frame under handler_errors = "hidden"', async () => {
    const restore = isolateIpcEnvironment();
    const t = await startIpcTestApp(TEST_ACTORS, { compat: { handlerErrors: 'hidden' } });
    try {
      const client = await t.connect();
      client.request(stream('hid', 'quirky', 'Fail', { how: 'error' }));
      expect((await client.next()).body).toEqual({ correlation_id: 'hid', sequence: 0, is_final: true });
    } finally {
      await t.close();
      restore();
    }
  });
});
