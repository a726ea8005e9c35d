import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { IsInt } from 'class-validator';
import { ActonApp, Actor, ActorRef, Logger, Message, MessageContext, Module, OnMessage, ReplySink } from 'acton-ts';
import { createTestingApp } from 'acton-ts/testing';

@Message('Items')
class Items {
  @IsInt() n!: number;
}

@Message('Fail')
class Fail {}

@Message('Relay')
class Relay {
  @IsInt() hops!: number;
}

@Message('Peek')
class Peek {}

@Actor('source')
class SourceActor {
  pulled = 0;
  finalized = 0;
  hops: number[] = [];

  constructor(private readonly app: ActonApp) {}

  @OnMessage({ ipc: true, readonly: true })
  async *items(msg: Items): AsyncGenerator<number> {
    try {
      for (let i = 0; i < msg.n; i++) {
        this.pulled++;
        yield i;
      }
    } finally {
      this.finalized++;
    }
  }

  @OnMessage()
  fail(_msg: Fail): never {
    throw new Error('sync boom');
  }

  @OnMessage()
  relay(msg: Relay): void {
    this.hops.push(msg.hops);
    if (msg.hops > 0) this.app.tell('source', Object.assign(new Relay(), { hops: msg.hops - 1 })); // to itself
  }

  @OnMessage({ subscribe: true })
  peek(_msg: Peek, ctx: MessageContext): object {
    return { peer: ctx.peer, deadline: ctx.deadline, correlationId: ctx.correlationId };
  }
}

@Module({ actors: [SourceActor] })
class SourceModule {}

/** A sink like the IPC router's: records everything, and can hold back (backpressure). */
class RecordingSink implements ReplySink {
  readonly replies: unknown[] = [];
  readonly ends: string[] = [];
  gate?: { promise: Promise<void>; open: () => void };

  hold(): void {
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    this.gate = { promise, open };
  }

  next(value: unknown): void | Promise<void> {
    this.replies.push(value);
    return this.gate?.promise;
  }
  complete(): void {
    this.ends.push('complete');
  }
  error(err: unknown): void {
    this.ends.push(`error: ${(err as Error).message}`);
  }
}

describe('ActorRef.deliver (the seam used by the IPC layer)', () => {
  let app: ActonApp;
  let ref: ActorRef;
  let actor: SourceActor;
  const logged: string[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (m) => logged.push(m),
    error: (m) => logged.push(m),
  };

  beforeEach(async () => {
    logged.length = 0;
    app = await createTestingApp(SourceModule, { logger });
    ref = app.actorRef('source')!;
    actor = app.get(SourceActor);
  });
  afterEach(() => app.close());

  it('describes its handlers', () => {
    expect(ref.handlerFor('Items')).toEqual({
      wireName: 'Items',
      method: 'items',
      ipc: true,
      readonly: true,
      subscribe: false,
      kind: 'stream',
    });
    expect(ref.handlerFor('Fail')).toMatchObject({ ipc: false, readonly: false });
    expect(
      ref
        .handlers()
        .map((h) => h.wireName)
        .sort(),
    ).toEqual(['Fail', 'Items', 'Peek', 'Relay']);
    expect(ref.actorClass).toBe(SourceActor);
  });

  it('pulls the next AsyncIterable item only after the sink Promise settles', async () => {
    const sink = new RecordingSink();
    sink.hold();
    ref.deliver({ message: Object.assign(new Items(), { n: 5 }), wireName: 'Items', correlationId: 'c1', sink });
    await sleep(20);
    expect(sink.replies).toEqual([0]);
    expect(actor.pulled).toBe(1);
    const first = sink.gate!;
    sink.gate = undefined;
    first.open();
    await waitFor(() => sink.ends.length === 1);
    expect(sink.replies).toEqual([0, 1, 2, 3, 4]);
    expect(sink.ends).toEqual(['complete']);
  });

  it('stops the producer when the delivery signal aborts, and completes the sink once', async () => {
    const sink = new RecordingSink();
    sink.hold();
    const controller = new AbortController();
    ref.deliver({
      message: Object.assign(new Items(), { n: 100 }),
      wireName: 'Items',
      correlationId: 'c2',
      sink,
      signal: controller.signal,
    });
    await waitFor(() => sink.replies.length === 1);
    controller.abort();
    await waitFor(() => actor.finalized === 1);
    sink.gate!.open();
    await sleep(10);
    expect(actor.pulled).toBe(1);
    expect(sink.ends).toEqual(['complete']);
  });

  it('does not start a stream whose signal is already aborted', async () => {
    const sink = new RecordingSink();
    ref.deliver({
      message: Object.assign(new Items(), { n: 3 }),
      wireName: 'Items',
      correlationId: 'c3',
      sink,
      signal: AbortSignal.abort(),
    });
    await waitFor(() => sink.ends.length === 1);
    expect(sink.replies).toEqual([]);
    expect(actor.pulled).toBe(0);
  });

  it('reports a synchronous throw as exactly one error', async () => {
    const sink = new RecordingSink();
    ref.deliver({ message: new Fail(), wireName: 'Fail', correlationId: 'c4', sink });
    await waitFor(() => sink.ends.length === 1);
    await sleep(10);
    expect(sink.ends).toEqual(['error: sync boom']);
  });

  it('logs the failure of a fire-and-forget message (no sink), naming actor, method and type', async () => {
    ref.deliver({ message: new Fail(), wireName: 'Fail', correlationId: 'c5' });
    await waitFor(() => logged.length === 1);
    expect(logged[0]).toBe("SourceActor.fail() of actor 'source' failed on Fail (no caller to tell): sync boom");
  });

  it('passes peer and deadline through to the handler context', async () => {
    const sink = new RecordingSink();
    const peer = { connectionId: 'conn-7', uid: 1000 };
    ref.deliver({ message: new Peek(), wireName: 'Peek', correlationId: 'wire-1', sink, peer, deadline: 12345 });
    await waitFor(() => sink.ends.length === 1);
    expect(sink.replies).toEqual([{ peer, deadline: 12345, correlationId: 'wire-1' }]);
  });

  it('lets a handler send to its own actor without deadlock; messages run after it, in order', async () => {
    app.tell('source', Object.assign(new Relay(), { hops: 3 }));
    await waitFor(() => actor.hops.length === 4);
    expect(actor.hops).toEqual([3, 2, 1, 0]);
  });

  it('refuses a wire name the actor does not handle', () => {
    expect(() => ref.deliver({ message: {}, wireName: 'Nope', correlationId: 'c6' })).toThrow(
      expect.objectContaining({
        code: 'UNKNOWN_MESSAGE_TYPE',
        message: "Unknown message type: Nope (actor 'source' has no handler for it)",
      }),
    );
  });

  it('refuses deliveries once the app is closed (IO_ERROR, recipient channel closed)', async () => {
    await app.close();
    expect(() => ref.deliver({ message: new Fail(), wireName: 'Fail', correlationId: 'c7' })).toThrow(
      expect.objectContaining({ code: 'IO_ERROR', message: 'I/O error: Recipient channel is closed' }),
    );
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(2);
  }
}
