import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Actor, ActonApp, Broker, Message, MessageContext, Module, OnMessage, Timers } from 'acton-ts';
import { createTestingApp } from 'acton-ts/testing';

@Message('PopBump')
class PopBump {}

@Message('PopWhoAmI')
class PopWhoAmI {}

/** The bench's one-field actor. */
@Actor('pop_counter')
class CounterActor {
  count = 0;

  @OnMessage()
  bump(_msg: PopBump): number {
    return ++this.count;
  }
}

/** Replaces its handler in the constructor: it must run its own, not its class's. */
@Actor('pop_override')
class OverridingActor {
  constructor() {
    this.bump = (): number => -1;
  }

  @OnMessage()
  bump(_msg: PopBump): number {
    return 1;
  }
}

/** Takes its own Broker and Timers: they must be bound to its name. */
@Actor('pop_named')
class NamedActor {
  constructor(
    private readonly broker: Broker,
    readonly timers: Timers,
  ) {}

  @OnMessage()
  whoAmI(_msg: PopWhoAmI, ctx: MessageContext): string {
    return `${this.broker.sourceActor}:${ctx.timers === this.timers}`;
  }
}

@Module({})
class PopulationModule {}

/** A full GC, available in this jest worker without --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

describe('a population of spawned actors', () => {
  let app: ActonApp;

  beforeEach(async () => {
    app = await createTestingApp(PopulationModule);
  });

  afterEach(async () => {
    await app.close();
  });

  it('keeps each spawned actor its own state while they share their class’s handlers', async () => {
    const refs = await Promise.all(Array.from({ length: 500 }, (_, i) => app.spawn(CounterActor, `counter_${i}`)));
    const first = await Promise.all(refs.map((ref) => app.ask(ref, new PopBump())));
    expect(first).toEqual(refs.map(() => 1));
    await app.ask(refs[7], new PopBump());
    expect(await app.ask(refs[7], new PopBump())).toBe(3);
    expect(await app.ask(refs[8], new PopBump())).toBe(2);
    expect(new Set(refs.map((ref) => ref.id)).size).toBe(500);
    expect(refs[3].id).toBe(refs[3].id);
  });

  it('runs a handler an instance replaced in its constructor, not its class’s', async () => {
    const plain = await app.spawn(CounterActor, 'plain');
    const overriding = await app.spawn(OverridingActor, 'overriding');
    expect(await app.ask(overriding, new PopBump())).toBe(-1);
    expect(await app.ask(plain, new PopBump())).toBe(1);
  });

  it('binds an injected Broker and Timers to the spawned actor that takes them (ctx.timers is the same Timers)', async () => {
    const a = await app.spawn(NamedActor, 'named_a');
    const b = await app.spawn(NamedActor, 'named_b');
    expect(await app.ask(a, new PopWhoAmI())).toBe('named_a:true');
    expect(await app.ask(b, new PopWhoAmI())).toBe('named_b:true');
  });

  it('holds well under 1 KB of heap per idle spawned actor (about 1.5-2.2 KB before issue 19)', async () => {
    const count = 20_000;
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    const refs = [];
    for (let start = 0; start < count; start += 1_000) {
      refs.push(
        ...(await Promise.all(Array.from({ length: 1_000 }, (_, i) => app.spawn(CounterActor, `idle_${start + i}`)))),
      );
    }
    collectGarbage();
    const perActor = (process.memoryUsage().heapUsed - before) / count;
    expect(refs).toHaveLength(count);
    expect(perActor).toBeLessThan(1_000);
  });
});
