import 'reflect-metadata';
import { IsInt } from 'class-validator';
import { ActonApp, Actor, IpcModule, Message, MessageContext, Module, OnMessage } from 'acton-ts';
import { createTestingApp, ManualClock, tempSocketPath } from 'acton-ts/testing';
import { Observable } from 'rxjs';
import { MessageType } from '../../../lib/ipc/protocol/wire-types';
import { isolateIpcEnvironment, recordingLogger } from '../../support/ipc-test-app';
import { RawFrameClient } from '../../support/raw-frame-client';

/** The handler waits until its caller's deadline aborts `ctx.signal`, recording what it saw. */
@Message('Wait')
class Wait {}

@Message('Ping')
class Ping {}

/** A stream that never completes by itself: only its deadline ends it. */
@Message('Ticks')
class Ticks {}

/** What the last `Wait` handler saw: its deadline, and whether its signal was aborted yet. */
let started: { deadline?: number; signal: AbortSignal } | undefined;
let whenStarted: Promise<void>;
let markStarted: () => void;
function expectStart(): void {
  started = undefined;
  whenStarted = new Promise((resolve) => (markStarted = resolve));
}

@Actor({ name: 'waiter' })
class WaiterActor {
  @OnMessage({ ipc: true })
  async wait(_message: Wait, ctx: MessageContext): Promise<void> {
    started = { deadline: ctx.deadline, signal: ctx.signal };
    markStarted();
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
  }

  @OnMessage()
  ticks(_message: Ticks, ctx: MessageContext): Observable<number> {
    return new Observable<number>((subscriber) => {
      subscriber.next(1);
      ctx.signal.addEventListener('abort', () => subscriber.complete(), { once: true });
    });
  }
}

/** Answers at once (the waiter is busy while a `Wait` runs). */
@Actor({ name: 'bystander' })
class BystanderActor {
  @OnMessage({ ipc: true })
  ping(_message: Ping): { pong: boolean } {
    return { pong: true };
  }
}

@Message('Deposit')
class Deposit {
  @IsInt() amount!: number;
}

/** Restarts 1 s (on the app clock) after a negative deposit; its balance starts again at 0. */
@Actor({ name: 'account', supervision: { backoff: { minMs: 1_000, maxMs: 1_000 } } })
class AccountActor {
  private balance = 0;

  @OnMessage({ ipc: true })
  deposit(message: Deposit): { balance: number } {
    if (message.amount < 0) throw new Error(`negative deposit ${message.amount}`);
    this.balance += message.amount;
    return { balance: this.balance };
  }
}

/** Tracks whether a Promise settled, without letting a rejection go unhandled. */
/** A call to another actor: its answer shows that every request sent before it was taken in. */
function pingBystander(client: RawFrameClient, id: string): void {
  client.request({ correlation_id: id, target: 'bystander', message_type: 'Ping', payload: {}, expects_reply: true });
}

function track(promise: Promise<unknown>): {
  settled: boolean;
  outcome: Promise<{ value?: unknown; error?: unknown }>;
} {
  const state = {
    settled: false,
    outcome: promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
  };
  void state.outcome.then(() => (state.settled = true));
  return state;
}

describe('the manual clock drives deadlines (app.ask, app.stream, IPC response_timeout_ms)', () => {
  let restore: () => void;
  let clock: ManualClock;
  let app: ActonApp;
  let socketPath: string;
  let start: number;

  beforeAll(() => {
    restore = isolateIpcEnvironment();
  });
  afterAll(() => restore());

  beforeEach(async () => {
    clock = new ManualClock();
    start = clock.now();
    socketPath = tempSocketPath();
    @Module({
      imports: [IpcModule.forRoot({ socket: { path: socketPath }, logger: recordingLogger([]) })],
      actors: [WaiterActor, BystanderActor, AccountActor],
    })
    class DeadlineModule {}
    app = await createTestingApp(DeadlineModule, { clock, extensions: true, logger: recordingLogger([]) });
  });
  afterEach(async () => {
    await app.close({ timeoutMs: 1_000 });
  });

  it('app.ask with a 60 s deadline times out exactly when the clock passes it, with no real waiting', async () => {
    const realStart = Date.now();
    expectStart();
    const ask = track(app.ask('waiter', new Wait(), { timeoutMs: 60_000 }));
    await whenStarted;
    expect(started!.deadline).toBe(start + 60_000); // ctx.deadline is on the app's clock

    await clock.advance(59_999);
    expect(ask.settled).toBe(false);
    expect(started!.signal.aborted).toBe(false);

    await clock.advance(1);
    expect(ask.settled).toBe(true);
    expect((await ask.outcome).error).toMatchObject({
      code: 'TIMEOUT',
      message: 'Request timed out after 60000 ms waiting for response',
    });
    expect(started!.signal.aborted).toBe(true);
    expect(Date.now() - realStart).toBeLessThan(30_000); // far less than the 60 s deadline
  });

  it('app.stream with a deadline ends with TIMEOUT only once the clock passes it', async () => {
    const items: unknown[] = [];
    const ended = new Promise<unknown>((resolve) =>
      app.stream('waiter', new Ticks(), { timeoutMs: 5_000 }).subscribe({
        next: (item) => items.push(item),
        error: resolve,
        complete: () => resolve('completed'),
      }),
    );
    const end = track(ended);
    await clock.advance(4_999);
    expect(items).toEqual([1]);
    expect(end.settled).toBe(false);
    await clock.advance(1);
    expect((await end.outcome).value).toMatchObject({
      code: 'TIMEOUT',
      message: 'Stream timed out after 5000 ms',
    });
  });

  it('an IPC request with response_timeout_ms times out exactly when the clock passes it, not before', async () => {
    const client = await RawFrameClient.connect(socketPath);
    try {
      expectStart();
      client.request({
        correlation_id: 'slow',
        target: 'waiter',
        message_type: 'Wait',
        payload: {},
        expects_reply: true,
        response_timeout_ms: 60_000,
      });
      await whenStarted;
      expect(started!.deadline).toBe(start + 60_000);

      await clock.advance(59_999);
      expect(started!.signal.aborted).toBe(false);
      // A later call on the same connection is answered first: nothing was written for 'slow'.
      pingBystander(client, 'ping');
      const first = await client.next();
      expect(first.body).toMatchObject({ correlation_id: 'ping', success: true, payload: { pong: true } });

      await clock.advance(1);
      const timedOut = await client.next();
      expect(timedOut.type).toBe(MessageType.ERROR);
      expect(timedOut.body).toMatchObject({
        correlation_id: 'slow',
        error_code: 'TIMEOUT',
        error: 'Request timed out after 60000 ms waiting for response',
      });
      expect(started!.signal.aborted).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('calls with the same delay started at different clock times each time out at their own deadline', async () => {
    const first = track(app.ask('bystander', new Ping(), { timeoutMs: 1_000 })); // answered at once
    expectStart();
    const a = track(app.ask('waiter', new Wait(), { timeoutMs: 1_000 }));
    await whenStarted;
    await clock.advance(400);
    // 'waiter' is busy with `a`: `b` waits in the mailbox, its deadline running from t = 400.
    const b = track(app.ask('waiter', new Wait(), { timeoutMs: 1_000 }));
    await clock.advance(600); // t = 1000: a's deadline
    expect(a.settled).toBe(true);
    expect(b.settled).toBe(false);
    await clock.advance(399); // t = 1399
    expect(b.settled).toBe(false);
    await clock.advance(1); // t = 1400: b's deadline
    expect(b.settled).toBe(true);
    expect((await b.outcome).error).toMatchObject({ code: 'TIMEOUT' });
    expect((await first.outcome).value).toEqual({ pong: true });
  });

  it('IPC calls waiting for a restarting actor: each times out at its own deadline on the clock, or the new instance answers', async () => {
    const client = await RawFrameClient.connect(socketPath);
    const deposit = (id: string, amount: number, timeoutMs: number): void =>
      client.request({
        correlation_id: id,
        target: 'account',
        message_type: 'Deposit',
        payload: { amount },
        expects_reply: true,
        response_timeout_ms: timeoutMs,
      });
    try {
      deposit('first', 5, 60_000);
      expect((await client.next()).body).toMatchObject({ correlation_id: 'first', payload: { balance: 5 } });
      deposit('failing', -1, 60_000);
      expect((await client.next()).body).toMatchObject({ correlation_id: 'failing', error_code: 'HANDLER_ERROR' });
      // The actor now waits 1 s of clock time before its new instance starts; these wait in its mailbox.
      deposit('short', 1, 500);
      deposit('long', 2, 5_000);
      pingBystander(client, 'ping');
      expect((await client.next()).body).toMatchObject({ correlation_id: 'ping' }); // both are enqueued
      await clock.advance(499);
      pingBystander(client, 'ping2');
      expect((await client.next()).body).toMatchObject({ correlation_id: 'ping2' }); // nothing answered yet
      await clock.advance(1);
      expect((await client.next()).body).toMatchObject({
        correlation_id: 'short',
        error_code: 'TIMEOUT',
        error: 'Request timed out after 500 ms waiting for response',
      });
      await clock.advance(500); // the backoff ends: the new instance handles what waited, in order
      // The timed-out deposit is still handled (its reply discarded): a deadline answers the caller,
      // it does not withdraw the delivered message (docs/protocol.md §2.2); the new instance started at 0.
      expect((await client.next()).body).toMatchObject({
        correlation_id: 'long',
        success: true,
        payload: { balance: 3 },
      });
    } finally {
      await client.close();
    }
  });
});
