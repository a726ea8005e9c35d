import { setTimeout as sleep } from 'node:timers/promises';
import { MessageType } from '../../lib/ipc/protocol/wire-types';
import { encodeFrame } from '../../lib/ipc/protocol/frame-encoder';
import { IpcModuleOptions } from 'acton-ts';
import { IpcTestApp, withIpcTestApp } from '../support/ipc-test-app';
import { askEnvelope } from '../support/raw-frame-client';
import { TEST_ACTORS } from './fixtures/test-actors';

const ask = askEnvelope;
const frameOf = (body: object, type: MessageType = MessageType.REQUEST) =>
  encodeFrame(type, 1, Buffer.from(JSON.stringify(body)));
const HEARTBEAT = Buffer.from('00000000020401', 'hex');

const withApp = (options: IpcModuleOptions, run: (t: IpcTestApp) => Promise<void>): Promise<void> =>
  withIpcTestApp(TEST_ACTORS, options, run);

describe('concurrency on one connection (docs/protocol.md §3.5, §0 D2)', () => {
  it.each([
    ['pipelined A (slow, actor X) then B (fast, actor Y) are answered B then A', {}, ['B', 'A']],
    ['with compat.serial = true, A then B', { compat: { serial: true } }, ['A', 'B']],
  ])('§10.37 %s', (_name, options: IpcModuleOptions, order: string[]) =>
    withApp(options, async (t) => {
      const client = await t.connect();
      client.write(
        Buffer.concat([
          frameOf(ask('A', 'sleeper', 'Sleep', { ms: 400 })),
          frameOf(ask('B', 'fast', 'Add', { a: 1, b: 1 })),
        ]),
      );
      const ids = (await client.nextFrames(2)).map((f) => f.body.correlation_id);
      expect(ids).toEqual(order);
    }),
  );

  it('§10.38 a heartbeat sent while a 500 ms request is pending is answered at once', () =>
    withApp({}, async (t) => {
      const client = await t.connect();
      client.write(Buffer.concat([frameOf(ask('slow', 'sleeper', 'Sleep', { ms: 500 })), HEARTBEAT]));
      const first = await client.next();
      expect(first.type).toBe(MessageType.HEARTBEAT); // ahead of the pending response
      expect((await client.next()).body.correlation_id).toBe('slow');
    }));

  it('§10.38 with compat.serial = true, the heartbeat is answered after that response', () =>
    withApp({ compat: { serial: true } }, async (t) => {
      const client = await t.connect();
      client.write(Buffer.concat([frameOf(ask('slow', 'sleeper', 'Sleep', { ms: 500 })), HEARTBEAT]));
      const [first, second] = await client.nextFrames(2);
      expect(first.body.correlation_id).toBe('slow');
      expect(second.type).toBe(MessageType.HEARTBEAT);
    }));

  it('messages to one actor are enqueued in frame-arrival order (D2)', () =>
    withApp({}, async (t) => {
      const client = await t.connect();
      const tags = Array.from({ length: 20 }, (_, i) => `m${i}`);
      client.write(Buffer.concat(tags.map((tag) => frameOf(ask(tag, 'sleeper', 'Sleep', { ms: 0, tag })))));
      await client.nextFrames(20);
      const sleeper = t.app.actors().find((a) => a.name === 'sleeper')!;
      const seen = (t.app.get(sleeper.ref.actorClass as never) as { seen: string[] }).seen;
      expect(seen).toEqual(tags);
    }));

  it('§10.39 a full mailbox yields TARGET_BUSY "Target actor inbox is full" at once (stream: 0x09 "Actor inbox is full")', () =>
    withApp({}, async (t) => {
      const client = await t.connect();
      client.request(ask('running', 'narrow', 'Block', { ms: 600 }));
      await sleep(100); // it is running now; the one-slot mailbox is empty
      client.write(
        Buffer.concat([
          frameOf(ask('queued', 'narrow', 'Block', { ms: 1 })),
          frameOf(ask('busy', 'narrow', 'Block', { ms: 1 })),
          frameOf({
            correlation_id: 'busy-stream',
            target: 'narrow',
            message_type: 'Count',
            payload: { count: 1 },
            expects_stream: true,
          }),
        ]),
      );
      const [busy, busyStream] = await client.nextFrames(2); // before the running handler finishes: no waiting
      expect(busy.body).toEqual({
        correlation_id: 'busy',
        success: false,
        error: 'Target actor inbox is full',
        error_code: 'TARGET_BUSY',
      });
      expect(busyStream.type).toBe(MessageType.STREAM);
      expect(busyStream.body).toEqual({
        correlation_id: 'busy-stream',
        sequence: 0,
        is_final: true,
        error: 'Actor inbox is full',
        error_code: 'TARGET_BUSY',
      });
      expect(t.app.listener!.stats().backpressureRejections).toBe(2);
      const rest = (await client.nextFrames(2, 3000)).map((f) => f.body.correlation_id);
      expect(rest).toEqual(['running', 'queued']);
    }));
});

describe('rate limiting (docs/protocol.md §5.1, §0 D4)', () => {
  const limited = { rateLimit: { enabled: true, requestsPerSecond: 1, burstSize: 2 } };

  it('§10.40 the 3rd request within a few ms gets RATE_LIMITED with its own id, retry text and retry_after_ms', () =>
    withApp(limited, async (t) => {
      const client = await t.connect();
      client.write(
        Buffer.concat(['r1', 'r2', 'r3'].map((id) => frameOf(ask(id, 'calculator', 'Add', { a: 1, b: 2 })))),
      );
      const frames = await client.nextFrames(3);
      const third = frames.find((f) => f.body.correlation_id === 'r3')!;
      expect(third.type).toBe(MessageType.ERROR);
      expect(third.body).toMatchObject({ correlation_id: 'r3', success: false, error_code: 'RATE_LIMITED' });
      const match = /^Rate limit exceeded, retry after (\d+)ms$/.exec(third.body.error);
      expect(match).not.toBeNull();
      expect(Number(match![1])).toBeLessThanOrEqual(1000);
      expect(third.body.retry_after_ms).toBe(Number(match![1]));
      expect(t.app.listener!.stats().rateLimited).toBe(1);
    }));

  it('§10.41 heartbeats, subscribes and discovers in bursts are never rate-limited', () =>
    withApp(limited, async (t) => {
      const client = await t.connect();
      const burst: Buffer[] = [];
      for (let i = 0; i < 10; i++) {
        burst.push(HEARTBEAT);
        burst.push(frameOf({ correlation_id: `s${i}`, message_types: ['PriceUpdate'] }, MessageType.SUBSCRIBE));
        burst.push(frameOf({ correlation_id: `d${i}`, include_actors: false }, MessageType.DISCOVER));
      }
      client.write(Buffer.concat(burst));
      const frames = await client.nextFrames(30);
      expect(frames.filter((f) => f.type === MessageType.ERROR)).toHaveLength(0);
      expect(t.app.listener!.stats().rateLimited).toBe(0);
    }));

  it('§10.42 with rate_limit.enabled = false, 200 back-to-back fire-and-forget requests are all delivered', () =>
    withApp({ rateLimit: { enabled: false, requestsPerSecond: 1, burstSize: 1 } }, async (t) => {
      const client = await t.connect();
      const frames = Array.from({ length: 200 }, (_, i) =>
        frameOf({ correlation_id: `f${i}`, target: 'calculator', message_type: 'Add', payload: { a: i, b: 0 } }),
      );
      client.write(Buffer.concat(frames));
      const answers = await client.nextFrames(200);
      expect(answers.every((f) => f.body.success === true && f.body.payload.status === 'delivered')).toBe(true);
    }));

  it('§10.43 buckets are per connection: a second connection is not limited by the first', () =>
    withApp(limited, async (t) => {
      const first = await t.connect();
      first.write(Buffer.concat(['a1', 'a2', 'a3'].map((id) => frameOf(ask(id, 'calculator', 'Add', { a: 1, b: 2 })))));
      const firstAnswers = await first.nextFrames(3);
      expect(firstAnswers.filter((f) => f.body.error_code === 'RATE_LIMITED')).toHaveLength(1);
      const second = await t.connect();
      second.write(Buffer.concat(['b1', 'b2'].map((id) => frameOf(ask(id, 'calculator', 'Add', { a: 1, b: 2 })))));
      const secondAnswers = await second.nextFrames(2);
      expect(secondAnswers.every((f) => f.body.success === true)).toBe(true);
    }));
});
