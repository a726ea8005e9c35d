import 'reflect-metadata';
import { IsString } from 'class-validator';
import {
  ActonApp,
  Actor,
  Clock,
  Injectable,
  Message,
  MessageContext,
  Module,
  OnMessage,
  OnStart,
  TimerHandle,
  TimerMode,
  Timers,
} from 'acton-ts';
import { createTestingApp, ManualClock } from 'acton-ts/testing';
import { recordingLogger } from '../../support/ipc-test-app';
import { Boom, counterActor, eventually, msg } from './fixtures/supervised-actors';

@Message('Tick')
class Tick {
  @IsString() label = 'tick';
}

@Message('StartTicking')
class StartTicking {
  @IsString() mode: TimerMode = 'fixed-rate';
}

/** Ticks seen (clock time, label), and a gate that holds the handler while set. */
const seen: string[] = [];
let gate: Promise<void> | undefined;
let lastHandle: TimerHandle | undefined;
let autoTick: TimerMode | undefined;

@Actor({ name: 'ticker', expose: false, supervision: { backoff: { minMs: 0 } } })
class TickerActor implements OnStart {
  constructor(
    private readonly timers: Timers,
    private readonly clock: Clock,
  ) {}

  onStart(): void {
    if (autoTick) lastHandle = this.timers.sendEvery('ticker', new Tick(), 100, { mode: autoTick });
  }

  @OnMessage()
  tick(message: Tick): Promise<void> | void {
    seen.push(`${this.clock.now() - START} ${message.label}`);
    return gate;
  }

  @OnMessage()
  startTicking(message: StartTicking, ctx: MessageContext): void {
    lastHandle = ctx.timers.sendEvery('ticker', new Tick(), 100, { mode: message.mode });
  }

  @OnMessage()
  boom(_message: Boom): void {
    throw new Error('boom');
  }
}

/** A provider using the app's Timers (cancelled when the app closes). */
@Injectable()
class Reminder {
  constructor(readonly timers: Timers) {}
}

const START = Date.UTC(2026, 0, 1);

describe('timers on the manual clock', () => {
  let app: ActonApp | undefined;
  let clock: ManualClock;

  beforeEach(() => {
    seen.length = 0;
    gate = undefined;
    lastHandle = undefined;
    autoTick = undefined;
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(): Promise<ActonApp> {
    @Module({ actors: [TickerActor], providers: [Reminder] })
    class TimerModule {}
    clock = new ManualClock(START);
    app = await createTestingApp(TimerModule, { logger: recordingLogger([]), clock });
    return app;
  }

  it('sendAfter and sendAt fire once at their time; cancel before it prevents the send', async () => {
    const app = await start();
    const timers = app.get(Reminder).timers;
    timers.sendAfter('ticker', msg(Tick, { label: 'after' }), 250);
    timers.sendAt('ticker', msg(Tick, { label: 'at' }), new Date(START + 100));
    const cancelled = timers.sendAfter('ticker', msg(Tick, { label: 'never' }), 50);
    cancelled.cancel();
    expect(cancelled.active).toBe(false);
    await clock.advance(1_000);
    expect(seen).toEqual(['100 at', '250 after']);
    expect(timers.active).toBe(0);
  });

  it('fixed-rate ticks at start + k × period; cancel stops it', async () => {
    const app = await start();
    await app.ask('ticker', msg(StartTicking, { mode: 'fixed-rate' })).catch(() => undefined);
    await clock.advance(350);
    expect(seen).toEqual(['100 tick', '200 tick', '300 tick']);
    lastHandle!.cancel();
    await clock.advance(1_000);
    expect(seen).toHaveLength(3);
    expect(clock.pending).toBe(0);
  });

  it('a slow handler: fixed-rate merges the ticks it missed and keeps its grid; fixed-delay waits period after it finished', async () => {
    for (const mode of ['fixed-rate', 'fixed-delay'] as const) {
      const app = await start();
      seen.length = 0;
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      app.tell('ticker', msg(StartTicking, { mode }));
      await clock.advance(100); // tick at 100 starts and hangs
      await clock.advance(550); // 200 … 600 are due while it runs: merged (fixed-rate) or not scheduled (fixed-delay)
      gate = undefined;
      release();
      await clock.advance(0);
      await clock.advance(250);
      expect([mode, seen]).toEqual(
        mode === 'fixed-rate'
          ? [mode, ['100 tick', '700 tick', '800 tick', '900 tick']]
          : [mode, ['100 tick', '750 tick', '850 tick']],
      );
      await app.close();
    }
  });

  it('after a stall (blocked event loop) a fixed-rate timer sends one tick, not a burst', async () => {
    const app = await start();
    app.tell('ticker', msg(StartTicking, { mode: 'fixed-rate' }));
    await clock.advance(100);
    clock.stall(1_000); // 200 … 1100 were due while nothing ran
    await clock.advance(0);
    expect(seen).toEqual(['100 tick', '1100 tick']);
    await clock.advance(100);
    expect(seen).toEqual(['100 tick', '1100 tick', '1200 tick']);
  });

  it("an actor's timers stop when it restarts (the new instance schedules its own) and when the app closes", async () => {
    autoTick = 'fixed-rate';
    const app = await start();
    const first = lastHandle!;
    await clock.advance(100);
    await expect(app.ask('ticker', msg(Boom))).rejects.toThrow('boom');
    await eventually(() => lastHandle !== first);
    expect(first.active).toBe(false);
    expect(clock.pending).toBe(1); // only the new instance's timer
    await clock.advance(150);
    expect(seen).toEqual(['100 tick', '200 tick']);
    await app.close();
    expect(lastHandle!.active).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it('a timer whose target refuses the tick logs it and keeps going; bad arguments are RangeErrors', async () => {
    const app = await start();
    const timers = app.get(Reminder).timers;
    const handle = timers.sendEvery('nobody', msg(Tick), 100);
    await clock.advance(300);
    expect(handle.active).toBe(true);
    expect(() => timers.sendEvery('ticker', msg(Tick), 0)).toThrow('Timers.sendEvery(): ms must be > 0');
    expect(() => timers.sendAfter('ticker', msg(Tick), -1)).toThrow(
      'ms must be a finite number of milliseconds >= 0 (got -1)',
    );
    expect(() => timers.sendAt('ticker', msg(Tick), new Date('nope'))).toThrow('Timers.sendAt(): invalid date');
    expect(() => timers.sendEvery('ticker', msg(Tick), 10, { mode: 'sometimes' as never })).toThrow(
      "unknown mode \"sometimes\"; use 'fixed-rate' or 'fixed-delay'",
    );
  });

  it('a timer of an actor that stopped for good is cancelled with it', async () => {
    @Module({ actors: [counterActor('temp', { restart: 'temporary' })] })
    class TempModule {}
    clock = new ManualClock(START);
    app = await createTestingApp(TempModule, { logger: recordingLogger([]), clock });
    const ref = app.actorRef('temp') as unknown as { timers: Timers };
    const handle = ref.timers.sendEvery('temp', msg(Boom), 100);
    await clock.advance(100); // the tick fails the temporary actor: it stops, its timers with it
    await eventually(() => app!.actorRef('temp') === undefined);
    expect(handle.active).toBe(false);
    expect(clock.pending).toBe(0);
  });
});
