import 'reflect-metadata';
import { IsInt } from 'class-validator';
import {
  ActonApp,
  Actor,
  InMemoryKeyedStateStore,
  KeyedStateStore,
  Message,
  Module,
  OnActivate,
  OnMessage,
  OnPassivate,
} from 'acton-ts';
import { createTestingApp, ManualClock } from 'acton-ts/testing';

/** Adds `n` to the key's count; answers the count. */
@Message('Bump')
class Bump {
  @IsInt() n = 1;
}

const IDLE_MS = 10_000;

/** What the activations did, in order: `passivate <key> <count>`. */
const journal: string[] = [];

@Actor({ name: 'meter', cluster: 'keyed', idleTimeoutMs: IDLE_MS })
class MeterActor implements OnActivate<number>, OnPassivate<number> {
  private count = 0;
  private key = '?';

  onActivate(state: number | undefined, key: string): void {
    this.key = key;
    this.count = state ?? 0;
  }

  onPassivate(): number {
    journal.push(`passivate ${this.key} ${this.count}`);
    return this.count;
  }

  @OnMessage()
  bump(message: Bump): number {
    this.count += message.n;
    return this.count;
  }
}

function bump(n = 1): Bump {
  return Object.assign(new Bump(), { n });
}

describe('keyed idle passivation runs on the app clock (ManualClock: no real waiting)', () => {
  let app: ActonApp | undefined;
  let clock: ManualClock;
  let store: InMemoryKeyedStateStore;

  beforeEach(async () => {
    journal.length = 0;
    clock = new ManualClock();
    store = new InMemoryKeyedStateStore();
    @Module({ actors: [MeterActor], providers: [{ provide: KeyedStateStore, useValue: store }] })
    class MeterModule {}
    app = await createTestingApp(MeterModule, { clock });
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('passivates exactly when advanced past idleTimeoutMs of silence, not a millisecond before', async () => {
    const type = app!.keyedActor('meter')!;
    await app!.ask('meter/a', bump(3));
    await clock.advance(IDLE_MS - 1);
    expect(type.isActive('a')).toBe(true);
    expect(journal).toEqual([]);
    await clock.advance(1);
    expect(type.isActive('a')).toBe(false);
    expect(journal).toEqual(['passivate a 3']);
    expect(await store.load('meter', 'a')).toBe(3);
  });

  it('every message restarts the silence: the key stays while messages keep coming, then passivates idleTimeoutMs after the last', async () => {
    const type = app!.keyedActor('meter')!;
    await app!.ask('meter/a', bump());
    for (let i = 0; i < 5; i++) {
      await clock.advance(IDLE_MS - 1);
      await app!.ask('meter/a', bump());
    }
    expect(type.isActive('a')).toBe(true); // 5 × (IDLE_MS − 1) ms since activation, never IDLE_MS of silence
    await clock.advance(IDLE_MS - 1);
    expect(type.isActive('a')).toBe(true);
    await clock.advance(1);
    expect(journal).toEqual(['passivate a 6']);
    expect((await app!.ask('meter/a', bump())) as number).toBe(7); // re-activated with the saved state
  });

  it('several keys each passivate no earlier than their own deadline and within a quarter of idleTimeoutMs after it', async () => {
    const type = app!.keyedActor('meter')!;
    await app!.ask('meter/a', bump());
    await clock.advance(1_000);
    await app!.ask('meter/b', bump());
    await clock.advance(IDLE_MS - 1_000 - 1); // a: 1 ms to go; b: 1,001 ms to go
    expect([type.isActive('a'), type.isActive('b')]).toEqual([true, true]);
    await clock.advance(1);
    expect([type.isActive('a'), type.isActive('b')]).toEqual([false, true]);
    await clock.advance(999);
    expect(type.isActive('b')).toBe(true);
    await clock.advance(IDLE_MS / 4);
    expect(type.isActive('b')).toBe(false);
    expect(journal).toEqual(['passivate a 1', 'passivate b 1']);
  });

  it('keeps exact deadlines across 2^30 ms (12.4 days) of app clock, where the idle clock moves its origin', async () => {
    const type = app!.keyedActor('meter')!;
    clock.stall(2 ** 30 - 1_000); // no activation yet: nothing to sweep
    await app!.ask('meter/a', bump());
    await clock.advance(IDLE_MS - 1); // the sweeps on the way cross the 2^30 ms mark
    expect(type.isActive('a')).toBe(true);
    await clock.advance(1);
    expect(type.isActive('a')).toBe(false);
    await app!.ask('meter/b', bump());
    clock.stall(2 ** 30 + 5); // b's sweep is overdue; c's first message moves the origin again, b far behind it
    await app!.ask('meter/c', bump());
    await clock.advance(0);
    expect([type.isActive('b'), type.isActive('c')]).toEqual([false, true]);
    await clock.advance(IDLE_MS - 1);
    expect(type.isActive('c')).toBe(true);
    await clock.advance(1);
    expect(type.isActive('c')).toBe(false);
    expect(journal).toEqual(['passivate a 1', 'passivate b 1', 'passivate c 1']);
  });

  it('with no activation left, no sweep stays pending on the clock', async () => {
    await app!.ask('meter/a', bump());
    expect(clock.pending).toBe(1); // the sweep
    await clock.advance(IDLE_MS);
    expect(app!.keyedActor('meter')!.isActive('a')).toBe(false);
    await clock.advance(IDLE_MS);
    expect(clock.pending).toBe(0);
  });
});
