import { setTimeout as sleep } from 'node:timers/promises';
import { MessageType } from '../../lib/ipc/protocol/wire-types';
import { isolateIpcEnvironment, startIpcTestApp } from '../support/ipc-test-app';
import { PriceUpdate } from './fixtures/test-messages';
import { TEST_ACTORS } from './fixtures/test-actors';

describe('listener statistics (docs/protocol.md §7)', () => {
  it('counts exactly what §7 says for a known sequence of frames', async () => {
    const restore = isolateIpcEnvironment();
    const t = await startIpcTestApp(TEST_ACTORS, { limits: { maxConnections: 10 } });
    try {
      const client = await t.connect();
      client.write('00000000020401'); // heartbeat: no counter
      client.request({ correlation_id: 'faf', target: 'calculator', message_type: 'Add', payload: { a: 1, b: 1 } });
      client.request({
        correlation_id: 'req',
        target: 'calculator',
        message_type: 'Add',
        payload: { a: 1, b: 1 },
        expects_reply: true,
      });
      client.request({ correlation_id: 'nf', target: 'nobody', message_type: 'Add', payload: {}, expects_reply: true });
      client.send(MessageType.REQUEST, '{broken');
      client.request({
        correlation_id: 'to',
        target: 'sleeper',
        message_type: 'Sleep',
        payload: { ms: 300 },
        expects_reply: true,
        response_timeout_ms: 50,
      });
      client.request({
        correlation_id: 'nr',
        target: 'quirky',
        message_type: 'NoReply',
        payload: {},
        expects_reply: true,
      });
      client.send(MessageType.SUBSCRIBE, { correlation_id: 'sub', message_types: ['PriceUpdate', 'TradeExecuted'] });
      client.send(MessageType.SUBSCRIBE, { correlation_id: 'bad' });
      client.send(MessageType.DISCOVER, { nope: true });
      client.send(MessageType.DISCOVER, { correlation_id: 'd' });
      client.send(MessageType.RESPONSE, { ignored: true }); // no counter
      await client.nextFrames(11); // every answer, the 50 ms TIMEOUT included
      t.app.broker.broadcast(Object.assign(new PriceUpdate(), { symbol: 'A', price: 1 }));
      await client.next();
      await sleep(20);
      expect(t.app.listener!.stats()).toEqual({
        connectionsAccepted: 1,
        activeConnections: 1,
        maxConnections: 10,
        connectionsAvailable: 9,
        messagesReceived: 6,
        messagesProcessed: 4,
        errors: 6,
        rateLimited: 0,
        backpressureRejections: 0,
        shutdownRejections: 0,
        inFlightRequests: 0,
        subscriptionsProcessed: 1,
        activeSubscriptions: 2,
        activePatternSubscriptions: 0,
        accessDenied: 0,
        pushNotificationsSent: 1,
        pushNotificationsDropped: 0,
      });
      await client.close();
      await sleep(20);
      expect(t.app.listener!.stats()).toMatchObject({
        activeConnections: 0,
        connectionsAvailable: 10,
        activeSubscriptions: 0,
      });
    } finally {
      await t.close();
      restore();
    }
  });

  it('counts in-flight requests while they are being answered', async () => {
    const restore = isolateIpcEnvironment();
    const t = await startIpcTestApp(TEST_ACTORS);
    try {
      const client = await t.connect();
      client.request({
        correlation_id: 'a',
        target: 'sleeper',
        message_type: 'Sleep',
        payload: { ms: 200 },
        expects_reply: true,
      });
      client.request({
        correlation_id: 'b',
        target: 'streamer',
        message_type: 'Count',
        payload: { count: 2, delayMs: 150 },
        expects_stream: true,
      });
      await sleep(60);
      expect(t.app.listener!.stats().inFlightRequests).toBe(2);
      await client.nextFrames(4);
      expect(t.app.listener!.stats().inFlightRequests).toBe(0);
    } finally {
      await t.close();
      restore();
    }
  });
});
