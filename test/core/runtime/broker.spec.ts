import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { IsNumber, IsString } from 'class-validator';
import { firstValueFrom, take, toArray } from 'rxjs';
import { ActonApp, Actor, BroadcastEvent, Broker, Logger, Message, Module, OnMessage } from 'acton-ts';
import { createTestingApp } from 'acton-ts/testing';

@Message('PriceTick')
class PriceTick {
  @IsString() symbol!: string;
  @IsNumber() price!: number;
}

@Message('Publish')
class Publish {
  @IsNumber() price!: number;
}

@Message('Slow')
class Slow {}

@Actor('feed')
class FeedActor {
  constructor(private readonly broker: Broker) {}

  @OnMessage()
  publish(msg: Publish): void {
    this.broker.broadcast(Object.assign(new PriceTick(), { symbol: 'ACME', price: msg.price }));
  }
}

@Actor('watcher')
class WatcherActor {
  readonly seen: number[] = [];

  @OnMessage({ subscribe: true })
  onTick(tick: PriceTick): void {
    this.seen.push(tick.price);
  }
}

@Actor({ name: 'laggard', mailboxCapacity: 1 })
class LaggardActor {
  readonly seen: number[] = [];

  @OnMessage({ subscribe: true })
  async onTick(tick: PriceTick): Promise<void> {
    await sleep(50);
    this.seen.push(tick.price);
  }

  @OnMessage()
  slow(_msg: Slow): void {}
}

@Module({ actors: [FeedActor, WatcherActor, LaggardActor] })
class BrokerModule {}

class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  debug(m: string): void {
    this.lines.push(`debug ${m}`);
  }
  info(m: string): void {
    this.lines.push(`info ${m}`);
  }
  warn(m: string): void {
    this.lines.push(`warn ${m}`);
  }
  error(m: string): void {
    this.lines.push(`error ${m}`);
  }
}

const tick = (price: number) => Object.assign(new PriceTick(), { symbol: 'ACME', price });

describe('Broker', () => {
  let app: ActonApp;
  let logger: RecordingLogger;
  beforeEach(async () => {
    logger = new RecordingLogger();
    app = await createTestingApp(BrokerModule, { logger });
  });
  afterEach(() => app.close());

  it('delivers broadcasts to subscribe handlers, then to listeners with the broadcasting actor as source', async () => {
    const events: BroadcastEvent[] = [];
    const watcher = app.get(WatcherActor);
    const remove = app.broker.addBroadcastListener((event) => events.push(event));
    app.tell('feed', Object.assign(new Publish(), { price: 101 }));
    await waitFor(() => watcher.seen.length === 1);
    expect(watcher.seen).toEqual([101]);
    expect(events).toEqual([{ wireName: 'PriceTick', message: tick(101), sourceActor: 'feed' }]);
    expect(events[0].message).toBeInstanceOf(PriceTick);

    app.broker.broadcast(tick(102)); // not from an actor: no sourceActor
    expect(events[1]).toEqual({ wireName: 'PriceTick', message: tick(102) });
    remove();
    app.broker.broadcast(tick(103));
    expect(events).toHaveLength(2);
    await waitFor(() => watcher.seen.length === 3);
  });

  it('feeds messages(Type) observers', async () => {
    const received = firstValueFrom(app.broker.messages(PriceTick).pipe(take(2), toArray()));
    app.broker.broadcast(tick(1));
    app.broker.broadcast(tick(2));
    await expect(received).resolves.toEqual([tick(1), tick(2)]);
  });

  it("feeds messages('Price*') pattern observers once per broadcast, and messages('PriceTick') by wire name", async () => {
    const byPattern = firstValueFrom(app.broker.messages('Price*').pipe(take(2), toArray()));
    const all = firstValueFrom(app.broker.messages('*').pipe(take(2), toArray()));
    const byName = firstValueFrom(app.broker.messages('PriceTick').pipe(take(1), toArray()));
    const other: object[] = [];
    const none = app.broker.messages('Pub*').subscribe((message) => other.push(message));
    app.broker.broadcast(tick(1));
    app.broker.broadcast(tick(2));
    await expect(byPattern).resolves.toEqual([tick(1), tick(2)]);
    await expect(all).resolves.toEqual([tick(1), tick(2)]);
    await expect(byName).resolves.toEqual([tick(1)]);
    none.unsubscribe();
    expect(other).toEqual([]);
    expect(() => app.broker.messages('Pri*ce')).toThrow(
      "messages('Pri*ce'): a pattern is a prefix followed by exactly one terminal '*'",
    );
  });

  it('drops (and logs) a broadcast for a subscriber whose mailbox is full, without failing the broadcaster', async () => {
    const events: BroadcastEvent[] = [];
    app.broker.addBroadcastListener((event) => events.push(event));
    const laggard = app.get(LaggardActor);
    app.broker.broadcast(tick(1));
    await sleep(5); // 1 is running now
    for (let price = 2; price <= 4; price++) expect(() => app.broker.broadcast(tick(price))).not.toThrow();
    expect(events).toHaveLength(4); // listeners and other subscribers still get everything
    await waitFor(() => laggard.seen.length === 2, 1000);
    await sleep(120);
    expect(laggard.seen).toEqual([1, 2]); // 1 ran, 2 queued (capacity 1), 3 and 4 dropped
    expect(
      logger.lines.filter((l) =>
        l.startsWith("warn Broadcast PriceTick dropped for subscriber 'laggard': Target actor inbox is full"),
      ),
    ).toHaveLength(2);
    expect(app.get(WatcherActor).seen).toEqual([1, 2, 3, 4]);
  });

  it('refuses to broadcast an instance of an unregistered class, naming it', () => {
    class Stray {}
    expect(() => app.broker.broadcast(new Stray())).toThrow(
      'Cannot broadcast: Stray is not a @Message class; decorate it with @Message()',
    );
    expect(() => app.broker.broadcast(new Stray())).toThrow(expect.objectContaining({ code: 'UNKNOWN_MESSAGE_TYPE' }));
  });

  it('survives a listener that throws', async () => {
    app.broker.addBroadcastListener(() => {
      throw new Error('bad listener');
    });
    const events: BroadcastEvent[] = [];
    app.broker.addBroadcastListener((event) => events.push(event));
    expect(() => app.broker.broadcast(tick(7))).not.toThrow();
    expect(events).toHaveLength(1);
    expect(logger.lines.some((l) => l.startsWith('error a broadcast listener threw'))).toBe(true);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(5);
  }
}
