import { Actor, ActonApp, bootstrap, ConsoleLogger, Message, Module, OnMessage } from 'acton-ts';
import { ActorFigures, ActorLabelFigures, LATENCY_BUCKETS_SECONDS } from 'acton-ts/observability';

/** Keeps the CPU busy for `ms` (a synchronous handler that takes a known minimum time). */
@Message('BusyFor')
class BusyFor {
  ms!: number;
}

/** Busy for `ms` before its first await, then done (an asynchronous read-only handler: several run at once). */
@Message('BusyThenAwait')
class BusyThenAwait {
  ms!: number;
}

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

@Actor({ name: 'busy', mailboxCapacity: 16 })
class Busy {
  @OnMessage()
  busyFor(msg: BusyFor): number {
    spin(msg.ms);
    return msg.ms;
  }

  @OnMessage({ readonly: true })
  async busyThenAwait(msg: BusyThenAwait): Promise<number> {
    spin(msg.ms);
    await new Promise((resolve) => setImmediate(resolve));
    return msg.ms;
  }
}

@Module({ actors: [Busy] })
class BusyModule {}

function busyFigures(figures: ActorFigures): ActorLabelFigures {
  return figures.snapshot().find((label) => label.actor === 'Busy')!;
}

/** Observations at or above `seconds` (the buckets whose lower bound is at least `seconds`). */
function countAtLeast(buckets: readonly number[], seconds: number): number {
  const first = LATENCY_BUCKETS_SECONDS.findIndex((bound) => bound >= seconds) + 1;
  return buckets.slice(first).reduce((sum, count) => sum + count, 0);
}

describe('ActorFigures: handler time and mailbox wait of messages run back to back (one clock read per message)', () => {
  let app: ActonApp;
  let figures: ActorFigures;

  beforeEach(async () => {
    app = await bootstrap(BusyModule, { logger: new ConsoleLogger('warn') });
    figures = new ActorFigures();
    app.instrumentation.add(figures);
  });

  afterEach(() => app.close());

  it('gives each queued synchronous handler its own time and the wait behind the ones before it', async () => {
    const asks = [1, 2, 3].map(() => app.ask('busy', Object.assign(new BusyFor(), { ms: 6 })));
    await Promise.all(asks);
    const busy = busyFigures(figures);
    const handler = busy.messageTypes.find((type) => type.messageType === 'BusyFor')!.handlerSeconds;
    expect(handler.count).toBe(3);
    // Every handler spun at least 6 ms: none of them was timed from a reading before its start.
    expect(countAtLeast(handler.buckets, 0.005)).toBe(3);
    expect(handler.sum).toBeGreaterThanOrEqual(0.018);
    // The 2nd waited behind the 1st (≥ 6 ms), the 3rd behind both (≥ 12 ms).
    expect(busy.mailboxWaitSeconds.count).toBe(3);
    expect(countAtLeast(busy.mailboxWaitSeconds.buckets, 0.005)).toBeGreaterThanOrEqual(2);
    expect(busy.mailboxWaitSeconds.sum).toBeGreaterThanOrEqual(0.018);
  });

  it('times a message that starts while an asynchronous handler is pending from its own start', async () => {
    // The sync one finishes, the first async one starts right after it (reusing that reading),
    // spins 6 ms and awaits; the second (read-only too) starts in the same run, 6 ms later.
    const sync = app.ask('busy', Object.assign(new BusyFor(), { ms: 0 }));
    const first = app.ask('busy', Object.assign(new BusyThenAwait(), { ms: 6 }));
    const second = app.ask('busy', Object.assign(new BusyThenAwait(), { ms: 0 }));
    await Promise.all([sync, first, second]);
    const busy = busyFigures(figures);
    const handler = busy.messageTypes.find((type) => type.messageType === 'BusyThenAwait')!.handlerSeconds;
    expect(handler.count).toBe(2);
    // The second started 6 ms after the first (a start timed at the sync one's finish would not be).
    expect(busy.mailboxWaitSeconds.count).toBe(3);
    expect(countAtLeast(busy.mailboxWaitSeconds.buckets, 0.005)).toBeGreaterThanOrEqual(1);
    expect(busy.mailboxWaitSeconds.sum).toBeGreaterThanOrEqual(0.006);
  });
});
