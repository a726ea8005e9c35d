import 'reflect-metadata';
import { IsString } from 'class-validator';
import { ActonApp, Actor, BroadcastEvent, Broker, Inject, Injectable, Message, Module, OnMessage } from 'acton-ts';
import { createTestingApp } from 'acton-ts/testing';

@Message('Greet')
class Greet {
  @IsString() name!: string;
}

@Message('Greeted')
class Greeted {
  @IsString() text!: string;
}

abstract class Clock {
  abstract now(): string;
}

class FixedClock extends Clock {
  now(): string {
    return '12:00';
  }
}

@Injectable()
class Greeter {
  constructor(
    @Inject('GREETING') private readonly greeting: string,
    private readonly clock: Clock,
  ) {}

  greet(name: string): string {
    return `${this.greeting}, ${name} (${this.clock.now()})`;
  }
}

class Counter {
  count = 0;
}

@Actor('greeter')
class GreeterActor {
  constructor(
    readonly greeter: Greeter,
    readonly broker: Broker,
    readonly app: ActonApp,
    readonly counter: Counter,
    @Inject('SUFFIX') readonly suffix: string,
  ) {}

  @OnMessage()
  greet(msg: Greet): string {
    this.counter.count++;
    const text = this.greeter.greet(msg.name) + this.suffix;
    this.broker.broadcast(Object.assign(new Greeted(), { text }));
    return text;
  }
}

@Actor('auditor')
class AuditorActor {
  constructor(
    readonly counter: Counter,
    readonly greeterActor: GreeterActor,
  ) {}
}

@Module({
  providers: [Greeter, Counter, { provide: 'GREETING', useValue: 'Hello' }, { provide: Clock, useClass: FixedClock }],
})
class ServicesModule {}

@Module({
  imports: [ServicesModule],
  actors: [GreeterActor, AuditorActor],
  providers: [
    { provide: 'SUFFIX', useFactory: (greeting: string) => (greeting === 'Hello' ? '!' : '?'), inject: ['GREETING'] },
  ],
})
class AppModule {}

describe('dependency injection', () => {
  let app: ActonApp;
  afterEach(() => app?.close());

  it('injects providers (class, value, useClass, factory), Broker and ActonApp into actors', async () => {
    app = await createTestingApp(AppModule);
    const actor = app.get(GreeterActor);
    expect(actor.greeter).toBeInstanceOf(Greeter);
    expect(actor.app).toBe(app);
    expect(actor.broker).toBeInstanceOf(Broker);
    expect(actor.suffix).toBe('!');
    await expect(app.ask('greeter', Object.assign(new Greet(), { name: 'Ada' }))).resolves.toBe('Hello, Ada (12:00)!');
  });

  it('makes providers and actors singletons of the app, shared by everyone who injects them', async () => {
    app = await createTestingApp(AppModule);
    const auditor = app.get(AuditorActor);
    expect(auditor.counter).toBe(app.get(GreeterActor).counter);
    expect(auditor.counter).toBe(app.get(Counter));
    expect(auditor.greeterActor).toBe(app.get(GreeterActor));
    await app.ask('greeter', Object.assign(new Greet(), { name: 'x' }));
    expect(app.get(Counter).count).toBe(1);
  });

  it('gives each actor a Broker bound to its name; the app broker has none', async () => {
    app = await createTestingApp(AppModule);
    const events: BroadcastEvent[] = [];
    app.broker.addBroadcastListener((event) => events.push(event));
    await app.ask('greeter', Object.assign(new Greet(), { name: 'Bo' }));
    expect(events).toEqual([
      {
        wireName: 'Greeted',
        message: Object.assign(new Greeted(), { text: 'Hello, Bo (12:00)!' }),
        sourceActor: 'greeter',
      },
    ]);
    expect(app.get(GreeterActor).broker.sourceActor).toBe('greeter');
    expect(app.get(Broker).sourceActor).toBeUndefined();
  });

  it('builds a separate container per app', async () => {
    app = await createTestingApp(AppModule);
    const other = await createTestingApp(AppModule);
    try {
      expect(other.get(Counter)).not.toBe(app.get(Counter));
      expect(other.get(GreeterActor)).not.toBe(app.get(GreeterActor));
    } finally {
      await other.close();
    }
  });

  it('lets testing overrides replace module providers', async () => {
    app = await createTestingApp(AppModule, {
      overrides: [
        { provide: 'GREETING', useValue: 'Hi' },
        { provide: Clock, useValue: { now: () => '00:00' } },
      ],
    });
    await expect(app.ask('greeter', Object.assign(new Greet(), { name: 'Cy' }))).resolves.toBe('Hi, Cy (00:00)?');
  });

  it('names the missing provider and who needed it', async () => {
    @Actor('needy')
    class NeedyActor {
      constructor(@Inject('MISSING') readonly missing: unknown) {}
    }
    @Module({ actors: [NeedyActor] })
    class MissingForActor {}
    await expect(createTestingApp(MissingForActor)).rejects.toThrow(
      'Cannot create actor \'needy\' (NeedyActor): No provider for "MISSING" (needed by NeedyActor): add it to the providers (or actors) of a module imported by the app',
    );
    @Module({
      actors: [GreeterActor],
      providers: [Greeter, Counter, { provide: 'SUFFIX', useValue: '' }, { provide: Clock, useClass: FixedClock }],
    })
    class MissingGreeting {}
    await expect(createTestingApp(MissingGreeting)).rejects.toThrow(
      'No provider for "GREETING" (needed by Greeter): add it to the providers (or actors) of a module imported by the app',
    );
  });

  it('reports a circular dependency with its path', async () => {
    @Injectable()
    class A {
      constructor(@Inject('B') readonly b: unknown) {}
    }
    @Module({ providers: [A, { provide: 'B', useFactory: (a: A) => ({ a }), inject: [A] }] })
    class Circular {}
    await expect(createTestingApp(Circular)).rejects.toThrow(/^Circular dependency: A -> "B" -> A/);
  });

  it('asks for @Injectable() when a provider with constructor parameters has no decorator', async () => {
    class Undecorated {
      constructor(readonly counter: Counter) {}
    }
    @Module({ providers: [Counter, Undecorated] })
    class NeedsDecorator {}
    await expect(createTestingApp(NeedsDecorator)).rejects.toThrow(
      /Cannot inject the constructor parameters of Undecorated: .*Add @Injectable\(\)/,
    );
  });

  it('names emitDecoratorMetadata when a decorated actor has no emitted parameter types', async () => {
    @Actor({ name: 'inventory' })
    class InventoryActor {
      constructor(readonly counter: Counter) {}
    }
    // What the compiler emits with "emitDecoratorMetadata": false: no design:paramtypes.
    Reflect.deleteMetadata('design:paramtypes', InventoryActor);
    @Module({ providers: [Counter], actors: [InventoryActor] })
    class NoMetadata {}
    const failure = createTestingApp(NoMetadata);
    await expect(failure).rejects.toThrow(
      /InventoryActor: the compiler emitted no parameter types .* "emitDecoratorMetadata" is off/,
    );
    await expect(failure).rejects.not.toThrow(/Add @Injectable/);
  });
});
