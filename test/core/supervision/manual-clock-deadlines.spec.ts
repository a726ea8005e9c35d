import 'reflect-metadata';
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

/** Tracks whether a Promise settled, without letting a rejection go unhandled. */
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
      actors: [WaiterActor, BystanderActor],
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
      client.request({
        correlation_id: 'ping',
        target: 'bystander',
        message_type: 'Ping',
        payload: {},
        expects_reply: true,
      });
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
});
