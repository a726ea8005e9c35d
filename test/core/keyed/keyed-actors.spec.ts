import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { IsInt, IsString } from 'class-validator';
import {
  ActonApp,
  Actor,
  ActorError,
  InMemoryKeyedStateStore,
  KeyedStateStore,
  Message,
  MessageContext,
  Module,
  OnActivate,
  OnMessage,
  OnPassivate,
} from 'acton-ts';
import { createTestingApp } from 'acton-ts/testing';
import { hashOf } from '../../../lib/core/runtime/keyed/activation-table';

@Message('AddItem')
class AddItem {
  @IsString() sku!: string;
  @IsInt() qty!: number;
}

@Message('GetCart')
class GetCart {}

@Message('SlowAdd')
class SlowAdd {
  @IsInt() ms!: number;
}

/** What every cart did, in order, across activations (shared by the tests of one app). */
const journal: string[] = [];

@Actor({ name: 'cart', cluster: 'keyed', idleTimeoutMs: 150, maxActiveKeys: 50, maxKeyLength: 16 })
class CartActor implements OnActivate<Record<string, number>>, OnPassivate<Record<string, number>> {
  private items: Record<string, number> = {};
  private key = '?';

  constructor() {
    journal.push('construct');
  }

  onActivate(state: Record<string, number> | undefined, key: string): void {
    this.key = key;
    this.items = state ?? {};
    journal.push(`activate ${key} ${JSON.stringify(state ?? null)}`);
  }

  async onStart(): Promise<void> {
    await sleep(5);
    journal.push(`start ${this.key}`);
  }

  onPassivate(): Record<string, number> {
    journal.push(`passivate ${this.key}`);
    return this.items;
  }

  onStop(): void {
    journal.push(`stop ${this.key}`);
  }

  @OnMessage()
  add(message: AddItem, ctx: MessageContext): { key: string | undefined; items: Record<string, number> } {
    this.items[message.sku] = (this.items[message.sku] ?? 0) + message.qty;
    return { key: ctx.key, items: { ...this.items } };
  }

  @OnMessage()
  get(_message: GetCart): Record<string, number> {
    return this.items;
  }

  @OnMessage()
  async slow(message: SlowAdd): Promise<number> {
    await sleep(message.ms);
    this.items.slow = (this.items.slow ?? 0) + 1;
    return this.items.slow;
  }
}

@Actor({ name: 'session', cluster: 'keyed', idleTimeoutMs: 500, maxActiveKeys: 20 })
class SessionActor {
  @OnMessage()
  touch(_message: GetCart, ctx: MessageContext): string | undefined {
    return ctx.key;
  }
}

@Message('Bump')
class Bump {}

/** Counts per key; idles far longer than a test runs, so only the test passivates it. */
@Actor({ name: 'locker', cluster: 'keyed', idleTimeoutMs: 600_000 })
class LockerActor implements OnActivate<number>, OnPassivate<number> {
  private count = 0;

  onActivate(state: number | undefined, key: string): void {
    this.count = state ?? 0;
    journal.push(`locker ${key} from ${this.count}`);
  }

  onPassivate(): number {
    return this.count;
  }

  @OnMessage()
  bump(_message: Bump, ctx: MessageContext): string {
    return `${ctx.key} ${++this.count}`;
  }
}

const store = new InMemoryKeyedStateStore();

@Module({ actors: [CartActor, SessionActor, LockerActor], providers: [{ provide: KeyedStateStore, useValue: store }] })
class CartModule {}

function add(sku: string, qty = 1): AddItem {
  return Object.assign(new AddItem(), { sku, qty });
}

describe('keyed actors in one process', () => {
  let app: ActonApp;

  beforeAll(async () => {
    app = await createTestingApp(CartModule);
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => {
    journal.length = 0;
  });

  it('activates a key on first use (constructor, onActivate, onStart, then the message) with ctx.key, and routes later calls to it', async () => {
    const first = await app.ask('cart/u-1', add('apple', 2));
    const second = await app.ask('cart/u-1', add('apple', 3));
    const other = await app.ask('cart/u-2', add('pear'));
    expect(first).toEqual({ key: 'u-1', items: { apple: 2 } });
    expect(second).toEqual({ key: 'u-1', items: { apple: 5 } });
    expect(other).toEqual({ key: 'u-2', items: { pear: 1 } });
    expect(journal.slice(0, 3)).toEqual(['construct', 'activate u-1 null', 'start u-1']);
    expect(journal.filter((line) => line === 'construct')).toHaveLength(2);
    expect(app.keyedActor('cart')!.isActive('u-1')).toBe(true);
  });

  it('passivates after idleTimeoutMs without messages (onPassivate, onStop) and restores the saved state on the next call', async () => {
    await app.ask('cart/p-1', add('milk', 4));
    await sleep(600);
    expect(journal).toContain('passivate p-1');
    expect(journal.indexOf('stop p-1')).toBeGreaterThan(journal.indexOf('passivate p-1'));
    expect(app.keyedActor('cart')!.isActive('p-1')).toBe(false);
    expect(await store.load('cart', 'p-1')).toEqual({ milk: 4 });
    const again = await app.ask('cart/p-1', add('milk', 1));
    expect(again).toEqual({ key: 'p-1', items: { milk: 5 } });
    expect(journal).toContain('activate p-1 {"milk":4}');
  });

  it('keeps an activation that is busy past idleTimeoutMs, and keeps one message order per key', async () => {
    const results = await Promise.all([
      app.ask('cart/s-1', Object.assign(new SlowAdd(), { ms: 400 })),
      app.ask('cart/s-1', Object.assign(new SlowAdd(), { ms: 1 })),
    ]);
    expect(results).toEqual([1, 2]);
    expect(journal.filter((line) => line.startsWith('construct'))).toHaveLength(1);
  });

  it('a message sent while its key passivates waits and reaches the next activation with the saved state', async () => {
    await app.ask('cart/r-1', add('egg', 1));
    const type = app.keyedActor('cart')!;
    const passivating = type.passivate('r-1', 'the test asks');
    const during = app.ask('cart/r-1', add('egg', 1));
    await passivating;
    expect(await during).toEqual({ key: 'r-1', items: { egg: 2 } });
    expect(journal.filter((line) => line.startsWith('activate r-1'))).toEqual([
      'activate r-1 null',
      'activate r-1 {"egg":1}',
    ]);
  });

  it('keeps two keys that share a hash apart: each its own activation and state, passivated and re-activated alone', async () => {
    const [first, second] = ['u-229618', 'u-801496'];
    expect(hashOf(first)).toBe(hashOf(second)); // the activation table's hash: one slot, so one key overflows
    const type = app.keyedActor('locker')!;
    const bump = (key: string): Promise<string> => app.ask(`locker/${key}`, new Bump());
    expect([await bump(first), await bump(second), await bump(first)]).toEqual([
      `${first} 1`,
      `${second} 1`,
      `${first} 2`,
    ]);
    await type.passivate(first, 'the test asks');
    expect([type.isActive(first), type.isActive(second)]).toEqual([false, true]);
    expect([...type.activeKeys()]).toEqual([second]);
    expect([await bump(second), await bump(first)]).toEqual([`${second} 2`, `${first} 3`]);
    await type.passivate(second, 'the test asks');
    expect([type.isActive(first), type.isActive(second)]).toEqual([true, false]);
    expect(await bump(second)).toBe(`${second} 3`);
    expect(journal.filter((line) => line.startsWith('locker'))).toEqual([
      `locker ${first} from 0`,
      `locker ${second} from 0`,
      `locker ${first} from 2`,
      `locker ${second} from 2`,
    ]);
  });

  it('rejects a key longer than maxKeyLength and a bare keyed name, naming the limit', async () => {
    await expect(app.ask('cart/' + 'k'.repeat(17), add('x'))).rejects.toThrow(
      /17 characters long; the limit is 16 \(@Actor\(\{ maxKeyLength \}\)\)/,
    );
    await expect(app.ask('cart/', add('x'))).rejects.toThrow(/needs a key: address it as 'cart\/<key>'/);
    await expect(app.ask('cart', add('x'))).rejects.toMatchObject({
      code: 'ACTOR_NOT_FOUND',
      message: "Actor not found: cart (a keyed actor: address one key as 'cart/<key>')",
    });
  });

  it('fails new activations TARGET_BUSY beyond maxActiveKeys while existing keys keep answering', async () => {
    const type = app.keyedActor('session')!;
    const touch = (key: string): Promise<string> => app.ask(`session/${key}`, new GetCart());
    await Promise.all(Array.from({ length: 20 }, (_, i) => touch(`m-${i}`)));
    expect(type.stats().active).toBe(20);
    const busy = await touch('m-over').catch((err: unknown) => err);
    expect(busy).toBeInstanceOf(ActorError);
    expect((busy as ActorError).code).toBe('TARGET_BUSY');
    expect((busy as ActorError).message).toMatch(/already has 20 active keys on this node.*maxActiveKeys/);
    await expect(touch('m-0')).resolves.toBe('m-0');
    for (let waited = 0; type.stats().active > 0 && waited < 10_000; waited += 100) await sleep(100);
    expect(type.stats().active).toBe(0);
    await expect(touch('m-over')).resolves.toBe('m-over');
  });

  it('counts activations and passivations', () => {
    const stats = app.keyedActor('cart')!.stats();
    expect(stats.activations).toBeGreaterThanOrEqual(stats.passivations);
    expect(stats.activations).toBeGreaterThanOrEqual(6);
    expect(stats.passivations).toBeGreaterThanOrEqual(2);
  });

  it('on close passivates every activation, saving its state', async () => {
    const own = await createTestingApp(CartModule);
    await own.ask('cart/c-9', add('tea', 7));
    await own.close();
    expect(journal).toContain('passivate c-9');
    expect(await store.load('cart', 'c-9')).toEqual({ tea: 7 });
  });
});

@Message('Ping')
class Ping {}

@Actor({ name: 'device', cluster: 'keyed', idleTimeoutMs: 300, maxActiveKeys: 200_000, expose: false })
class DeviceActor {
  private seen = 0;

  @OnMessage()
  ping(_message: Ping): number {
    return ++this.seen;
  }
}

@Module({ actors: [DeviceActor] })
class DeviceModule {}

describe('keyed actors at scale', () => {
  it('100,000 keys activated then idle: all passivate and the heap returns within 8 MB of where it started', async () => {
    require('node:v8').setFlagsFromString('--expose_gc');
    const gc = require('node:vm').runInNewContext('gc') as () => void;
    const heap = (): number => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const app = await createTestingApp(DeviceModule);
    try {
      const type = app.keyedActor('device')!;
      const before = heap();
      const ping = new Ping();
      for (let i = 0; i < 100_000; i++) app.tell(`device/d-${i}`, ping);
      await type.whenIdle();
      const active = type.stats().active;
      const during = heap();
      for (let waited = 0; type.stats().active > 0 && waited < 30_000; waited += 100) await sleep(100);
      const after = heap();
      expect(active).toBeGreaterThan(90_000); // the sweeper may already have passivated the first ones
      expect(type.stats().active).toBe(0);
      expect(type.stats().passivations).toBe(type.stats().activations);
      // The activations held measurable heap, and passivating them gave it back. (Compared with
      // `during`, not `before`: in a shared jest worker, `before` can still hold an earlier
      // file's garbage that a later collection frees.)
      expect(during - after).toBeGreaterThan(10_000_000);
      expect(after - before).toBeLessThan(8_000_000);
    } finally {
      await app.close();
    }
  });
});
