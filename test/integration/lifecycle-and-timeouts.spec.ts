import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { MessageType } from '../../lib/ipc/protocol/wire-types';
import { encodeFrame } from '../../lib/ipc/protocol/frame-encoder';
import { IpcModuleOptions } from 'acton-ts';
import { isolateIpcEnvironment, IpcTestApp, startIpcTestApp, withIpcTestApp } from '../support/ipc-test-app';
import { askEnvelope, RawFrameClient } from '../support/raw-frame-client';
import { TEST_ACTORS } from './fixtures/test-actors';

const ask = askEnvelope;

const withApp = (options: IpcModuleOptions, run: (t: IpcTestApp) => Promise<void>): Promise<void> =>
  withIpcTestApp(TEST_ACTORS, options, run);

describe('graceful shutdown (docs/protocol.md §5.5)', () => {
  it('§10.44 §10.36 while draining, a new request gets SHUTTING_DOWN with its own id (a stream request too, as 0x03); discover still succeeds', () =>
    withApp({}, async (t) => {
      const client = await t.connect();
      client.request(ask('slow', 'sleeper', 'Sleep', { ms: 600 }));
      await sleep(50);
      const draining = t.app.listener!.shutdownGracefully(5000);
      client.request(ask('late', 'calculator', 'Add', { a: 1, b: 2 }));
      client.request({
        correlation_id: 'late-stream',
        target: 'streamer',
        message_type: 'Count',
        payload: { count: 1 },
        expects_stream: true,
      });
      client.send(MessageType.DISCOVER, { correlation_id: 'd-drain' });
      client.write('00000000020401');
      const frames = await client.nextFrames(4);
      expect(frames[0].body).toEqual({
        correlation_id: 'late',
        success: false,
        error: 'Server is shutting down',
        error_code: 'SHUTTING_DOWN',
      });
      expect(frames[1].type).toBe(MessageType.ERROR);
      expect(frames[1].body).toEqual({
        correlation_id: 'late-stream',
        success: false,
        error: 'Server is shutting down',
        error_code: 'SHUTTING_DOWN',
      });
      expect(frames[2].body).toMatchObject({ correlation_id: 'd-drain', success: true });
      expect(frames[3].type).toBe(MessageType.HEARTBEAT);
      expect(t.app.listener!.stats().shutdownRejections).toBe(2);
      await draining;
    }));

  it('§10.45 a request in flight when the drain starts still gets its response; then the socket file is removed', () =>
    withApp({}, async (t) => {
      const client = await t.connect();
      client.request(ask('inflight', 'sleeper', 'Sleep', { ms: 300 }));
      await sleep(50);
      const result = await t.app.listener!.shutdownGracefully(5000);
      expect(result).toEqual({ inFlightAtStart: 1, drainedGracefully: true, forcedClosed: 0 });
      expect((await client.next()).body).toEqual({
        correlation_id: 'inflight',
        success: true,
        payload: { slept: 300 },
      });
      await client.waitForEof();
      expect(existsSync(t.socketPath)).toBe(false);
    }));

  it('a drain that times out reports the requests it cut off', () =>
    withApp({}, async (t) => {
      const client = await t.connect();
      client.request(ask('too-slow', 'sleeper', 'Sleep', { ms: 2000 }));
      await sleep(50);
      const result = await t.app.listener!.shutdownGracefully(100);
      expect(result).toEqual({ inFlightAtStart: 1, drainedGracefully: false, forcedClosed: 1 });
      await client.waitForEof();
      expect(t.app.listener!.stats().inFlightRequests).toBe(0);
    }));

  it('app.close() drains the listener and removes the socket file', async () => {
    const restore = isolateIpcEnvironment();
    const t = await startIpcTestApp(TEST_ACTORS);
    try {
      const client = await t.connect();
      client.request(ask('c', 'sleeper', 'Sleep', { ms: 200 }));
      await sleep(30);
      await t.app.close();
      expect((await client.next()).body.correlation_id).toBe('c');
      expect(existsSync(t.socketPath)).toBe(false);
    } finally {
      await t.close();
      restore();
    }
  });
});

describe('connection limit (docs/protocol.md §5.2)', () => {
  it('§10.46 at max_connections 1 a second connection gets the rejection frame unasked, then EOF; a slot frees on close', () =>
    withApp({ limits: { maxConnections: 1 } }, async (t) => {
      const first = await t.connect();
      first.write('00000000020401');
      await first.next();
      const second = await t.connect();
      const rejection = await second.next();
      expect(rejection.type).toBe(MessageType.ERROR);
      expect(rejection.format).toBe(1);
      expect(rejection.payload.toString()).toBe(
        '{"correlation_id":"__acton_connection_rejected__","success":false,"error":"Server refused the connection: connection limit reached (1 concurrent connections)","error_code":"CONNECTION_LIMIT_REACHED","payload":{"limit":1}}',
      );
      await second.waitForEof();
      expect(t.app.listener!.stats()).toMatchObject({
        connectionsAccepted: 1,
        activeConnections: 1,
        connectionsAvailable: 0,
        errors: 1,
      });
      await first.close();
      await sleep(50);
      const third = await t.connect();
      third.write('00000000020401');
      expect((await third.next()).type).toBe(MessageType.HEARTBEAT);
    }));
});

describe('read and write timeouts (docs/protocol.md §5.3, §0 D6)', () => {
  it('§10.47 with read_timeout_ms 200 an idle connection is closed after about 200 ms with no frame sent', () =>
    withApp({ timeouts: { readTimeoutMs: 200 } }, async (t) => {
      const started = Date.now();
      const client = await t.connect();
      await client.waitForEof(3000);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(180);
      expect(elapsed).toBeLessThan(1500);
      expect(client.bytes.length).toBe(0);
      expect(t.app.listener!.stats().errors).toBe(1);
    }));

  it('§10.48 with subscription_read_timeout_ms 0, a connection that subscribed stays open for 1 s while idle', () =>
    withApp({ timeouts: { readTimeoutMs: 200, subscriptionReadTimeoutMs: 0 } }, async (t) => {
      const client = await t.connect();
      client.send(MessageType.SUBSCRIBE, { correlation_id: 'sub', message_types: ['PriceUpdate'] });
      await client.next();
      await sleep(1000);
      expect(client.eof).toBe(false);
      client.write('00000000020401');
      expect((await client.next()).type).toBe(MessageType.HEARTBEAT);
    }));

  it('frames re-arm the read timeout: a connection sending a heartbeat every 100 ms outlives a 250 ms timeout', () =>
    withApp({ timeouts: { readTimeoutMs: 250 } }, async (t) => {
      const client = await t.connect();
      for (let i = 0; i < 8; i++) {
        client.write('00000000020401');
        await client.next();
        await sleep(100);
      }
      expect(client.eof).toBe(false);
    }));

  it('§10.49 a handler slower than read_timeout_ms still gets its response delivered', () =>
    withApp({ timeouts: { readTimeoutMs: 200 } }, async (t) => {
      const client = await t.connect();
      client.request(ask('slow', 'sleeper', 'Sleep', { ms: 600 }));
      expect((await client.next(3000)).body).toEqual({
        correlation_id: 'slow',
        success: true,
        payload: { slept: 600 },
      });
      await client.waitForEof(3000); // then idle again → closed
    }));

  it('D6: a client that stops reading its stream is closed after write_timeout_ms without progress', () =>
    withApp({ timeouts: { writeTimeoutMs: 300 } }, async (t) => {
      const client = await t.connect();
      client.socket.pause();
      client.request({
        correlation_id: 'flood',
        target: 'streamer',
        message_type: 'Flood',
        payload: { count: 100_000, size: 10_000 },
        expects_stream: true,
      });
      const deadline = Date.now() + 5000;
      while (t.app.listener!.stats().activeConnections > 0 && Date.now() < deadline) await sleep(50);
      expect(t.app.listener!.stats().activeConnections).toBe(0);
      expect(t.app.listener!.stats().errors).toBe(1);
      expect(t.app.listener!.stats().inFlightRequests).toBe(0);
      expect(t.logs.some((line) => line.includes('write_timeout_ms'))).toBe(true);
    }));
});

describe('half-close (docs/protocol.md §9)', () => {
  it('§10.13 a client that writes a request and half-closes still receives the response before the server closes', () =>
    withApp({}, async (t) => {
      const client = await t.connect();
      client.write(
        encodeFrame(MessageType.REQUEST, 1, Buffer.from(JSON.stringify(ask('hc', 'sleeper', 'Sleep', { ms: 200 })))),
      );
      client.endWriting();
      expect((await client.next()).body).toEqual({ correlation_id: 'hc', success: true, payload: { slept: 200 } });
      await client.waitForEof();
    }));

  it('a half-closed client with a running stream gets every frame', () =>
    withApp({}, async (t) => {
      const client: RawFrameClient = await t.connect();
      client.request({
        correlation_id: 'hs',
        target: 'streamer',
        message_type: 'Count',
        payload: { count: 3, delayMs: 50 },
        expects_stream: true,
      });
      client.endWriting();
      const frames = await client.nextFrames(4);
      expect(frames[3].body).toEqual({ correlation_id: 'hs', sequence: 3, is_final: true });
      await client.waitForEof();
    }));
});
