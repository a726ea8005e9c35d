import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { IsInt, IsString, Min } from 'class-validator';
import { firstValueFrom, interval, map, Observable, of, take, toArray } from 'rxjs';
import { ActonApp, Actor, ActorError, Message, MessageContext, Module, OnMessage } from 'acton-ts';
import { createTestingApp } from 'acton-ts/testing';

@Message('Echo')
class Echo {
  @IsString() text!: string;
}

@Message('Count')
class Count {
  @IsInt() @Min(0) n!: number;
}

@Message('Wait')
class Wait {
  @IsInt() ms!: number;
}

@Message('Silent')
class Silent {}

@Message('Twice')
class Twice {}

@Message('Boom')
class Boom {
  @IsString() how!: string;
}

@Message('Ticks')
class Ticks {}

@Message('Probe')
class Probe {}

class CustomFailure extends Error {
  override name = 'CustomFailure';
}

@Actor('replies')
class RepliesActor {
  aborted: unknown;
  producerFinally = 0;
  observableTeardown = 0;
  pulled = 0;

  @OnMessage()
  echo(msg: Echo): { text: string } {
    return { text: msg.text };
  }

  @OnMessage({ readonly: true })
  async *count(msg: Count): AsyncGenerator<number> {
    try {
      for (let i = 0; i < msg.n; i++) {
        this.pulled++;
        yield i;
        await sleep(5);
      }
    } finally {
      this.producerFinally++;
    }
  }

  @OnMessage()
  async wait(msg: Wait, ctx: MessageContext): Promise<string> {
    ctx.signal.addEventListener('abort', () => (this.aborted = ctx.signal.reason));
    await sleep(msg.ms);
    return 'late';
  }

  @OnMessage()
  silent(_msg: Silent): void {}

  @OnMessage()
  twice(_msg: Twice, ctx: MessageContext): string {
    ctx.reply('first');
    ctx.reply('second');
    return 'returned';
  }

  @OnMessage()
  boom(msg: Boom): Promise<never> | never {
    if (msg.how === 'sync') throw new CustomFailure('sync failure');
    if (msg.how === 'actor') throw new ActorError('OUT_OF_STOCK', 'Out of stock: gizmo', { available: 0 });
    return Promise.reject(new CustomFailure('async failure'));
  }

  @OnMessage({ readonly: true })
  ticks(_msg: Ticks): Observable<number> {
    return new Observable<number>((subscriber) => {
      const timer = setInterval(() => subscriber.next(Date.now()), 5);
      return () => {
        clearInterval(timer);
        this.observableTeardown++;
      };
    });
  }

  @OnMessage({ readonly: true })
  probe(_msg: Probe, ctx: MessageContext): object {
    return { correlationId: ctx.correlationId, peer: ctx.peer, deadline: ctx.deadline, aborted: ctx.signal.aborted };
  }
}

@Actor('streams')
class StreamsActor {
  @OnMessage()
  count(msg: Count): Observable<number> {
    return interval(1).pipe(
      take(msg.n),
      map((i) => i * 10),
    );
  }

  @OnMessage()
  echo(msg: Echo): Observable<string> {
    return of(msg.text, msg.text.toUpperCase());
  }
}

@Module({ actors: [RepliesActor, StreamsActor] })
class RepliesModule {}

const msg = <T extends object>(type: new () => T, fields: Partial<T> = {}): T => Object.assign(new type(), fields);

describe('replies', () => {
  let app: ActonApp;
  let actor: RepliesActor;
  beforeEach(async () => {
    app = await createTestingApp(RepliesModule);
    actor = app.get(RepliesActor);
  });
  afterEach(() => app.close());

  it('resolves ask with the returned value', async () => {
    await expect(app.ask('replies', msg(Echo, { text: 'hi' }))).resolves.toEqual({ text: 'hi' });
  });

  it('accepts the actor class or its ref as the target', async () => {
    await expect(app.ask(RepliesActor, msg(Echo, { text: 'by class' }))).resolves.toEqual({ text: 'by class' });
    await expect(app.ask(app.actorRef('replies')!, msg(Echo, { text: 'by ref' }))).resolves.toEqual({ text: 'by ref' });
  });

  it('keeps only the first reply for ask (ctx.reply before the return value)', async () => {
    await expect(app.ask('replies', new Twice())).resolves.toBe('first');
  });

  it('streams every reply in order, the returned value last', async () => {
    await expect(firstValueFrom(app.stream('replies', new Twice()).pipe(toArray()))).resolves.toEqual([
      'first',
      'second',
      'returned',
    ]);
  });

  it('rejects with the no-reply IO_ERROR when the handler returns nothing', async () => {
    await expect(app.ask('replies', new Silent())).rejects.toMatchObject({
      code: 'IO_ERROR',
      message: 'I/O error: Response channel closed without receiving a response',
    });
  });

  it('rejects with TIMEOUT after the given time and aborts the handler signal', async () => {
    const started = Date.now();
    await expect(app.ask('replies', msg(Wait, { ms: 400 }), { timeoutMs: 50 })).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: 'Request timed out after 50 ms waiting for response',
    });
    expect(Date.now() - started).toBeLessThan(350);
    expect(actor.aborted).toMatchObject({ code: 'TIMEOUT' });
  });

  it.each([
    ['sync', 'sync failure'],
    ['async', 'async failure'],
  ])('rejects with the very error the handler threw (%s)', async (how, text) => {
    const failure = app.ask('replies', msg(Boom, { how }));
    await expect(failure).rejects.toBeInstanceOf(CustomFailure);
    await expect(failure).rejects.toThrow(text);
  });

  it('passes a thrown ActorError through with its code and data', async () => {
    await expect(app.ask('replies', msg(Boom, { how: 'actor' }))).rejects.toMatchObject({
      name: 'ActorError',
      code: 'OUT_OF_STOCK',
      message: 'Out of stock: gizmo',
      data: { available: 0 },
    });
  });

  it('gives handlers a context with correlation id, local peer and deadline', async () => {
    const before = Date.now();
    const seen = await app.ask('replies', new Probe(), { timeoutMs: 1000 });
    expect(seen).toMatchObject({ peer: { connectionId: 'local' }, aborted: false });
    expect(seen.correlationId).toMatch(/^local-\d+$/);
    expect(seen.deadline).toBeGreaterThanOrEqual(before + 1000);
    // ctx.deadline is converted from the monotonic clock: at most 1 ms after a Date.now() read at the call.
    expect(seen.deadline).toBeLessThanOrEqual(Date.now() + 1000 + 1);
  });

  it('streams an AsyncIterable and an Observable to completion', async () => {
    await expect(firstValueFrom(app.stream('replies', msg(Count, { n: 4 })).pipe(toArray()))).resolves.toEqual([
      0, 1, 2, 3,
    ]);
    await expect(firstValueFrom(app.stream('streams', msg(Count, { n: 3 })).pipe(toArray()))).resolves.toEqual([
      0, 10, 20,
    ]);
    await expect(firstValueFrom(app.stream('streams', msg(Echo, { text: 'ab' })).pipe(toArray()))).resolves.toEqual([
      'ab',
      'AB',
    ]);
  });

  it('ask on a stream handler resolves with its first item', async () => {
    await expect(app.ask('streams', msg(Count, { n: 3 }))).resolves.toBe(0);
  });

  it('stops an AsyncIterable producer when the consumer unsubscribes (its finally runs)', async () => {
    const got = await firstValueFrom(app.stream('replies', msg(Count, { n: 1000 })).pipe(take(3), toArray()));
    expect(got).toEqual([0, 1, 2]);
    await waitFor(() => actor.producerFinally === 1);
    await sleep(30);
    expect(actor.pulled).toBeLessThan(10);
  });

  it('stops an Observable when the consumer unsubscribes (its teardown runs)', async () => {
    const got = await firstValueFrom(app.stream('replies', new Ticks()).pipe(take(2), toArray()));
    expect(got).toHaveLength(2);
    await waitFor(() => actor.observableTeardown === 1);
  });

  it('ends a stream with TIMEOUT after its whole-stream deadline and stops the producer', async () => {
    const values: number[] = [];
    await expect(
      new Promise<void>((resolve, reject) => {
        app
          .stream<number>('replies', new Ticks(), { timeoutMs: 60 })
          .subscribe({ next: (v) => values.push(v), error: reject, complete: resolve });
      }),
    ).rejects.toMatchObject({ code: 'TIMEOUT', message: 'Stream timed out after 60 ms' });
    expect(values.length).toBeGreaterThan(0);
    await waitFor(() => actor.observableTeardown === 1);
  });

  it('validates in-process messages and names the failing field', async () => {
    await expect(app.ask('replies', msg(Count, { n: -1 }))).rejects.toMatchObject({
      code: 'SERIALIZATION_ERROR',
      message: 'n: n must not be less than 0 (min)',
    });
    await expect(app.ask('replies', msg(Echo, { text: 42 as never }))).rejects.toMatchObject({
      code: 'SERIALIZATION_ERROR',
      message: 'text: text must be a string (isString)',
    });
  });

  it('names what is wrong with an unknown target or message', async () => {
    await expect(app.ask('nobody', new Silent())).rejects.toMatchObject({
      code: 'ACTOR_NOT_FOUND',
      message: 'Actor not found: nobody',
    });
    await expect(app.ask('replies', { text: 'plain' })).rejects.toThrow(
      /plain object; pass an instance of a @Message class/,
    );
    class Unregistered {}
    await expect(app.ask('replies', new Unregistered())).rejects.toThrow(
      'Cannot send: Unregistered is not a @Message class; decorate it with @Message()',
    );
    await expect(app.ask('streams', new Silent())).rejects.toMatchObject({
      code: 'UNKNOWN_MESSAGE_TYPE',
      message: "Unknown message type: Silent (actor 'streams' has no handler for it)",
    });
  });

  it('tell delivers without waiting, and later messages still see its effect', async () => {
    app.tell('replies', msg(Wait, { ms: 30 }));
    const started = Date.now();
    await expect(app.ask('replies', msg(Echo, { text: 'after' }))).resolves.toEqual({ text: 'after' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25); // the mutating wait ran first
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(5);
  }
}
