import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { IsInt } from 'class-validator';
import {
  ActonApp,
  Actor,
  ActorRef,
  AppExtension,
  bootstrap,
  DynamicModule,
  Injectable,
  Message,
  Module,
  OnMessage,
  OnStart,
  OnStop,
} from 'acton-ts';
import { createTestingApp } from 'acton-ts/testing';

const events: string[] = [];

@Injectable()
class Database implements OnStart, OnStop {
  async onStart(): Promise<void> {
    await sleep(5);
    events.push('start db');
  }
  async onStop(): Promise<void> {
    await sleep(5);
    events.push('stop db');
  }
}

@Injectable()
class Cache implements OnStart, OnStop {
  constructor(readonly db: Database) {}
  onStart(): void {
    events.push('start cache');
  }
  onStop(): void {
    events.push('stop cache');
  }
}

@Actor('store')
class StoreActor implements OnStart, OnStop {
  constructor(readonly cache: Cache) {}
  onStart(): void {
    events.push('start store');
  }
  onStop(): void {
    events.push('stop store');
  }
}

@Actor('front')
class FrontActor implements OnStart, OnStop {
  constructor(readonly store: StoreActor) {}
  async onStart(): Promise<void> {
    events.push('start front');
  }
  async onStop(): Promise<void> {
    events.push('stop front');
  }
}

@Actor('broken')
class BrokenActor implements OnStart {
  onStart(): void {
    throw new Error('cannot reach the exchange');
  }
}

class RecordingExtension implements AppExtension {
  constructor(
    readonly kind: string,
    private readonly failStart = false,
  ) {}
  async start(app: ActonApp): Promise<void> {
    events.push(`ext ${this.kind} start (${app.actors().length} actors)`);
    if (this.failStart) throw new Error('address in use');
  }
  async drain(timeoutMs: number): Promise<void> {
    events.push(`ext ${this.kind} drain ${timeoutMs}`);
  }
  async stop(): Promise<void> {
    events.push(`ext ${this.kind} stop`);
  }
}

@Module({})
class RecorderModule {
  static forRoot(kind: string, failStart = false): DynamicModule {
    return { module: RecorderModule, extensions: [() => new RecordingExtension(kind, failStart)] };
  }
}

// Listed in an order that is NOT the dependency order: the runtime must sort it out.
@Module({ actors: [FrontActor, StoreActor], providers: [Cache, Database] })
class ShopModule {}

@Message('Bump')
class Bump {
  @IsInt() by!: number;
}

@Actor({ name: 'counter', expose: false })
class CounterActor implements OnStart, OnStop {
  value = 0;
  onStart(): void {
    events.push(`start counter ${this.value}`);
  }
  onStop(): void {
    events.push('stop counter');
  }
  @OnMessage()
  bump(msg: Bump): number {
    this.value += msg.by;
    return this.value;
  }
}

@Module({ actors: [CounterActor] })
class CounterModule {}

beforeEach(() => {
  events.length = 0;
});

describe('lifecycle', () => {
  it('starts in dependency order, then extensions; stops in reverse, then extensions', async () => {
    const app = await bootstrap({ module: ShopModule, imports: [RecorderModule.forRoot('rec')] } as DynamicModule);
    expect(events).toEqual(['start db', 'start cache', 'start store', 'start front', 'ext rec start (2 actors)']);
    expect(app.extension<RecordingExtension>('rec')).toBeInstanceOf(RecordingExtension);
    events.length = 0;
    await app.close({ timeoutMs: 1234 });
    expect(events).toEqual(['ext rec drain 1234', 'stop front', 'stop store', 'stop cache', 'stop db', 'ext rec stop']);
  });

  it('rejects bootstrap naming the actor whose onStart failed, after stopping what had started', async () => {
    @Module({ imports: [ShopModule, RecorderModule.forRoot('rec')], actors: [BrokenActor] })
    class BrokenApp {}
    const failure = bootstrap(BrokenApp);
    await expect(failure).rejects.toThrow("onStart of actor 'broken' (BrokenActor) failed: cannot reach the exchange");
    await expect(failure).rejects.toHaveProperty(
      'cause',
      expect.objectContaining({ message: 'cannot reach the exchange' }),
    );
    expect(events).toEqual([
      'start db',
      'start cache',
      'start store',
      'start front',
      'stop front',
      'stop store',
      'stop cache',
      'stop db',
      'ext rec stop',
    ]);
  });

  it('rejects bootstrap naming an extension that failed to start, after stopping the actors', async () => {
    @Module({ imports: [ShopModule, RecorderModule.forRoot('ipc-ish', true)] })
    class ExtensionFails {}
    await expect(bootstrap(ExtensionFails)).rejects.toThrow("Extension 'ipc-ish' failed to start: address in use");
    expect(events.slice(-6)).toEqual([
      'ext ipc-ish start (2 actors)',
      'stop front',
      'stop store',
      'stop cache',
      'stop db',
      'ext ipc-ish stop',
    ]);
  });

  it('createTestingApp skips extensions unless asked for them', async () => {
    @Module({ imports: [CounterModule, RecorderModule.forRoot('rec')] })
    class WithExtension {}
    const app = await createTestingApp(WithExtension);
    expect(app.extension('rec')).toBeUndefined();
    await app.close();
    expect(events).toEqual(['start counter 0', 'stop counter']);

    events.length = 0;
    const withExtensions = await createTestingApp(WithExtension, { extensions: true });
    expect(withExtensions.extension('rec')).toBeDefined();
    await withExtensions.close();
    expect(events).toContain('ext rec stop');
  });

  it('close() is idempotent', async () => {
    const app = await createTestingApp(CounterModule);
    const first = app.close();
    expect(app.close()).toBe(first);
    await first;
    expect(app.state).toBe('closed');
    expect(events.filter((e) => e === 'stop counter')).toHaveLength(1);
  });
});

describe('spawn', () => {
  it('starts another instance with its own state and mailbox, and lists it', async () => {
    const app = await createTestingApp(CounterModule);
    const spare: ActorRef = await app.spawn(CounterActor, 'counter-2');
    expect(events).toEqual(['start counter 0', 'start counter 0']);
    await app.ask('counter', Object.assign(new Bump(), { by: 5 }));
    await expect(app.ask(spare, Object.assign(new Bump(), { by: 1 }))).resolves.toBe(1);
    await expect(app.ask('counter-2', Object.assign(new Bump(), { by: 1 }))).resolves.toBe(2);
    await expect(app.ask('counter', Object.assign(new Bump(), { by: 1 }))).resolves.toBe(6);
    expect(app.actors().map(({ name, expose }) => ({ name, expose }))).toEqual([
      { name: 'counter', expose: false },
      { name: 'counter-2', expose: false },
    ]);
    expect(spare.id).not.toBe(app.actorRef('counter')!.id);
    await app.close();
    expect(events.filter((e) => e === 'stop counter')).toHaveLength(2);
  });

  it('refuses a taken name and a class without @Actor', async () => {
    const app = await createTestingApp(CounterModule);
    try {
      await expect(app.spawn(CounterActor, 'counter')).rejects.toThrow(
        "Cannot spawn CounterActor as 'counter': the name is taken by CounterActor; choose another name",
      );
      class Plain {}
      await expect(app.spawn(Plain, 'plain')).rejects.toThrow(
        'Plain is used as an actor but has no @Actor() decorator',
      );
    } finally {
      await app.close();
    }
  });

  it('removes a spawned actor whose onStart fails', async () => {
    const app = await createTestingApp(CounterModule);
    try {
      await expect(app.spawn(BrokenActor, 'b2')).rejects.toThrow(
        "onStart of actor 'b2' (BrokenActor) failed: cannot reach the exchange",
      );
      expect(app.actorRef('b2')).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});
