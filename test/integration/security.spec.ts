import { setTimeout as sleep } from 'node:timers/promises';
import { ActorError, allowListPolicy, IpcOperation, sameUidPolicy, SecurityPolicy } from 'acton-ts';
import { encodeJsonFrame } from '../../lib/ipc/protocol/frame-encoder';
import { MessageType } from '../../lib/ipc/protocol/wire-types';
import { isolateIpcEnvironment, IpcTestApp, startIpcTestApp, withIpcTestApp } from '../support/ipc-test-app';
import { RawFrameClient } from '../support/raw-frame-client';
import { RecorderActor, SECURITY_ACTORS } from './fixtures/security-actors';
import { PriceUpdate, TradeExecuted } from '../support/test-messages';
import { TEST_ACTORS } from './fixtures/test-actors';

const ACTORS = [...TEST_ACTORS, ...SECURITY_ACTORS];
const uid = process.getuid!();
const gid = process.getgid!();

/** The §11.2 rejection frame, byte for byte: 0x03, JSON, reserved id, ACCESS_DENIED. */
function rejectionBytes(reason: string): Buffer {
  const body = `{"correlation_id":"__acton_connection_rejected__","success":false,"error":${JSON.stringify(reason)},"error_code":"ACCESS_DENIED"}`;
  return encodeJsonFrame(MessageType.ERROR, body);
}

const who = (client: RawFrameClient, id = 'who') =>
  client.request({ correlation_id: id, target: 'whoami', message_type: 'WhoAmI', payload: {}, expects_reply: true });

async function withApp(
  policy: SecurityPolicy | undefined,
  run: (t: IpcTestApp) => Promise<void>,
  options = {},
): Promise<void> {
  return withIpcTestApp(ACTORS, { ...(policy ? { security: policy } : undefined), ...options }, run);
}

describe('admission (docs/protocol.md §11.2)', () => {
  it('same uid as the server: admitted; ctx.peer has uid/gid/pid of the connecting process, ctx.caller the identity', () =>
    withApp(sameUidPolicy(), async (t) => {
      const client = await t.connect();
      who(client);
      const answer = await client.next();
      expect(answer.body).toEqual({
        correlation_id: 'who',
        success: true,
        payload: {
          peer: { connectionId: 'ipc-1', uid, gid, pid: process.pid, caller: { uid, gid, pid: process.pid } },
          caller: { uid, gid, pid: process.pid },
        },
      });
    }));

  it('denies by uid: exactly one rejection frame, nothing the client sent is read, then EOF', () =>
    withApp(allowListPolicy({ uids: [uid + 1] }), async (t) => {
      const client = await t.connect();
      who(client); // written at once; must never be answered
      await client.waitForEof();
      const why = `peer uid ${uid} / gid ${gid} is not on the allow-list (uids [${uid + 1}], gids [])`;
      expect(client.bytes).toEqual(rejectionBytes(why));
      expect(t.app.listener!.stats()).toMatchObject({
        accessDenied: 1,
        connectionsAccepted: 0,
        activeConnections: 0,
        messagesReceived: 0,
      });
    }));

  it('times out after read_timeout_ms with "Connection admission timed out"', () =>
    withApp(
      { admit: () => new Promise<never>(() => undefined) },
      async (t) => {
        const client = await t.connect();
        await client.waitForEof(5000);
        expect(client.bytes).toEqual(rejectionBytes('Connection admission timed out'));
      },
      { timeouts: { readTimeoutMs: 300 } },
    ));

  it('a policy whose admit throws closes that connection without a frame; the next one is served', () => {
    let calls = 0;
    const flaky: SecurityPolicy = {
      admit: () => {
        if (++calls === 1) throw new Error('directory service down');
        return 'second';
      },
    };
    return withApp(flaky, async (t) => {
      const first = await t.connect();
      await first.waitForEof();
      expect(first.bytes).toHaveLength(0);
      const second = await t.connect();
      who(second);
      expect((await second.next()).body.payload.caller).toBe('second');
      expect(
        t.logs.some((line) =>
          line.startsWith("error IPC connection ipc-1: the security policy's admit() threw (directory service down)"),
        ),
      ).toBe(true);
    });
  });

  it('the [security] settings in forRoot select a ready policy (allow_list by uid)', async () => {
    const restore = isolateIpcEnvironment();
    const t = await startIpcTestApp(ACTORS, { security: { policy: 'allow_list', allowedUids: [uid] } });
    try {
      const client = await t.connect();
      who(client);
      expect((await client.next()).body.payload.caller).toEqual({ uid, gid, pid: process.pid });
    } finally {
      await t.close();
      restore();
    }
  });
});

describe('authorization per operation (docs/protocol.md §11.2 table)', () => {
  /** Denies every operation kind in `denied` with the reason `no <kind>`; deliveries of `deniedPushes`. */
  function policy(denied: Set<string>, deniedPushes: Set<string> = new Set()): SecurityPolicy<string> {
    return {
      admit: () => 'alice',
      authorize: (context, operation: IpcOperation) => {
        expect(context.identity).toBe('alice');
        if (operation.kind === 'deliver') return !deniedPushes.has(operation.messageType);
        if (denied.has(operation.kind)) throw new ActorError('ACCESS_DENIED', `no ${operation.kind}`);
        return true;
      },
    };
  }

  it('answers each denied operation with its frame and keeps the connection open', () =>
    withApp(
      policy(
        new Set(['request', 'subscribe', 'unsubscribe', 'discover', 'subscribe-patterns', 'unsubscribe-patterns']),
      ),
      async (t) => {
        const client = await t.connect();
        client.request({
          correlation_id: 'r',
          target: 'calculator',
          message_type: 'Add',
          payload: { a: 1, b: 2 },
          expects_reply: true,
        });
        client.request({ correlation_id: 'f', target: 'nobody', message_type: 'Nope', payload: null }); // before the actor lookup
        client.request({
          correlation_id: 's',
          target: 'streamer',
          message_type: 'Count',
          payload: { count: 2 },
          expects_stream: true,
        });
        client.send(MessageType.SUBSCRIBE, { correlation_id: 'sub', message_types: ['PriceUpdate'] });
        client.send(MessageType.UNSUBSCRIBE, { correlation_id: 'unsub', message_types: [] });
        client.send(MessageType.DISCOVER, { correlation_id: 'disc' });
        client.send(MessageType.SUBSCRIBE_PATTERNS, { correlation_id: 'psub', patterns: ['Price*'] });
        client.send(MessageType.UNSUBSCRIBE_PATTERNS, { correlation_id: 'punsub', patterns: [] });
        client.write('00 00 00 00 02 04 01'); // heartbeats are never authorized
        const frames = await client.nextFrames(9);
        expect(frames.map((f) => [f.type, f.body])).toEqual([
          [
            MessageType.ERROR,
            { correlation_id: 'r', success: false, error: 'no request', error_code: 'ACCESS_DENIED' },
          ],
          [
            MessageType.ERROR,
            { correlation_id: 'f', success: false, error: 'no request', error_code: 'ACCESS_DENIED' },
          ],
          [
            MessageType.STREAM,
            { correlation_id: 's', sequence: 0, is_final: true, error: 'no request', error_code: 'ACCESS_DENIED' },
          ],
          [
            MessageType.ERROR,
            { correlation_id: 'sub', success: false, error: 'ACCESS_DENIED: no subscribe', subscribed_types: [] },
          ],
          [
            MessageType.ERROR,
            { correlation_id: 'unsub', success: false, error: 'ACCESS_DENIED: no unsubscribe', subscribed_types: [] },
          ],
          [MessageType.ERROR, { correlation_id: 'disc', success: false, error: 'ACCESS_DENIED: no discover' }],
          [
            MessageType.RESPONSE,
            {
              correlation_id: 'psub',
              success: false,
              error: 'ACCESS_DENIED: no subscribe-patterns',
              subscribed_patterns: [],
            },
          ],
          [
            MessageType.RESPONSE,
            {
              correlation_id: 'punsub',
              success: false,
              error: 'ACCESS_DENIED: no unsubscribe-patterns',
              subscribed_patterns: [],
            },
          ],
          [MessageType.HEARTBEAT, undefined],
        ]);
        expect(client.eof).toBe(false);
        expect(t.app.listener!.stats()).toMatchObject({
          accessDenied: 8,
          errors: 0,
          inFlightRequests: 0,
          messagesProcessed: 0,
        });
      },
    ));

  it('drops a push the policy refuses (counted as dropped) and delivers the others', () =>
    withApp(policy(new Set(), new Set(['TradeExecuted'])), async (t) => {
      const client = await t.connect();
      client.send(MessageType.SUBSCRIBE_PATTERNS, { correlation_id: 'p', patterns: ['*'] });
      await client.next();
      const before = t.app.listener!.stats().pushNotificationsDropped;
      t.app.broker.broadcast(Object.assign(new TradeExecuted(), { symbol: 'NO' }));
      t.app.broker.broadcast(Object.assign(new PriceUpdate(), { symbol: 'YES', price: 1 }));
      expect((await client.next()).body).toMatchObject({ message_type: 'PriceUpdate', payload: { symbol: 'YES' } });
      expect(await client.quietFor(100)).toBe(true);
      expect(t.app.listener!.stats().pushNotificationsDropped - before).toBe(1);
    }));

  it('authorizes pattern frames before the rate limiter: denied frames take no token', () =>
    withApp(
      policy(new Set(['subscribe-patterns'])),
      async (t) => {
        const client = await t.connect();
        for (let i = 0; i < 5; i++)
          client.send(MessageType.SUBSCRIBE_PATTERNS, { correlation_id: `p${i}`, patterns: ['A*'] });
        client.send(MessageType.UNSUBSCRIBE_PATTERNS, { correlation_id: 'u', patterns: [] }); // allowed: the one token
        const frames = await client.nextFrames(6);
        expect(frames.slice(0, 5).every((f) => f.body.error === 'ACCESS_DENIED: no subscribe-patterns')).toBe(true);
        expect(frames[5]!.body).toEqual({ correlation_id: 'u', success: true, subscribed_patterns: [] });
      },
      { rateLimit: { enabled: true, requestsPerSecond: 1, burstSize: 1 } },
    ));

  it('an asynchronous policy keeps the arrival order of enqueues', () => {
    const asyncPolicy: SecurityPolicy = {
      admit: async () => 'async',
      authorize: async (_context, operation) => {
        await sleep(operation.kind === 'request' && (operation.envelope.payload as { n?: number })?.n === 1 ? 30 : 0);
        return true;
      },
    };
    return withApp(asyncPolicy, async (t) => {
      const client = await t.connect();
      for (let n = 1; n <= 5; n++)
        client.request({ correlation_id: `r${n}`, target: 'recorder', message_type: 'Record', payload: { n } });
      await client.nextFrames(5);
      for (let i = 0; i < 100 && t.app.get(RecorderActor).records.length < 5; i++) await sleep(10);
      expect(t.app.get(RecorderActor).records).toEqual([1, 2, 3, 4, 5]);
    });
  });

  it('a policy whose authorize throws closes only that connection, without a frame', () => {
    const throwing: SecurityPolicy = {
      admit: () => 'x',
      authorize: (_context, operation) => {
        if (operation.kind === 'discover') throw new TypeError('bug in policy');
        return true;
      },
    };
    return withApp(throwing, async (t) => {
      const bad = await t.connect();
      const good = await t.connect();
      bad.send(MessageType.DISCOVER, { correlation_id: 'd' });
      await bad.waitForEof();
      expect(bad.bytes).toHaveLength(0);
      who(good);
      expect((await good.next()).body.success).toBe(true);
    });
  });
});

describe('revocation (docs/protocol.md §11.2)', () => {
  it('mid-stream: the socket closes without a frame, in-flight accounting is released, others keep going', () =>
    withApp(undefined, async (t) => {
      const victim = await t.connect();
      const other = await t.connect();
      who(victim);
      const id = (await victim.next()).body.payload.peer.connectionId as string;
      victim.send(MessageType.SUBSCRIBE, { correlation_id: 's', message_types: ['PriceUpdate'] });
      await victim.next();
      victim.request({
        correlation_id: 'st',
        target: 'streamer',
        message_type: 'Count',
        payload: { count: 100, delayMs: 20 },
        expects_stream: true,
      });
      expect((await victim.next()).body).toMatchObject({ correlation_id: 'st', sequence: 0 });
      expect(t.app.listener!.stats()).toMatchObject({ inFlightRequests: 1, activeSubscriptions: 1 });
      const receivedBefore = victim.bytes.length;
      expect(t.app.listener!.revoke(id)).toBe(true);
      expect(t.app.listener!.stats().activeSubscriptions).toBe(0); // dropped at once
      await victim.waitForEof();
      const after = victim.buffered.filter((f) => f.type !== MessageType.STREAM || f.body.is_final === true);
      expect(after).toEqual([]); // no final frame, no error frame
      expect(victim.bytes.length - receivedBefore).toBeLessThan(200); // at most a data frame already on its way
      for (let i = 0; i < 100 && t.app.listener!.stats().inFlightRequests > 0; i++) await sleep(10);
      expect(t.app.listener!.stats()).toMatchObject({ inFlightRequests: 0 });
      expect(t.app.listener!.revoke(id)).toBe(false);
      who(other, 'still');
      expect((await other.next()).body.success).toBe(true);
    }));

  it("skips the messages the connection queued that have not started; another connection's still run", () =>
    withApp(undefined, async (t) => {
      const victim = await t.connect();
      const other = await t.connect();
      victim.request({ correlation_id: 'h', target: 'recorder', message_type: 'Hold', payload: { ms: 300 } });
      for (let n = 1; n <= 3; n++)
        victim.request({ correlation_id: `v${n}`, target: 'recorder', message_type: 'Record', payload: { n } });
      await victim.nextFrames(4); // all four acknowledged "delivered"
      other.request({ correlation_id: 'o', target: 'recorder', message_type: 'Record', payload: { n: 99 } });
      await other.next();
      const recorder = t.app.get(RecorderActor);
      expect(recorder.holds).toBe(1); // Hold is running, the rest are queued
      expect(t.app.listener!.revoke(1)).toBe(true); // the sequential accepted count works too
      await victim.waitForEof();
      for (let i = 0; i < 100 && recorder.records.length === 0; i++) await sleep(10);
      await sleep(50);
      expect(recorder.records).toEqual([99]);
    }));
});

describe('stopping while an admission is undecided (docs/protocol.md §11.2, §5.5)', () => {
  it('closes the waiting socket and stops without waiting for the policy', async () => {
    const restore = isolateIpcEnvironment();
    const t = await startIpcTestApp(ACTORS, {
      security: { admit: () => new Promise<never>(() => undefined) },
      timeouts: { readTimeoutMs: 0 },
    });
    try {
      const waiting = await t.connect();
      await sleep(50);
      await t.app.close({ timeoutMs: 1000 });
      await waiting.waitForEof(3000);
      expect(waiting.bytes).toHaveLength(0);
    } finally {
      await t.close();
      restore();
    }
  });
});
