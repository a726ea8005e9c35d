/**
 * In-process figures, a child process of `bench/run.ts`: `app.ask()` calls/s on a trivial
 * handler, and `Broker.broadcast` to one in-process `subscribe: true` subscriber (broadcasts/s
 * until the subscriber has handled them all). No sockets; there is no baseline for these. Its
 * `probes` task measures the instrumentation probes' cost per message (see
 * `instrumentation-overhead.ts`).
 */
import 'reflect-metadata';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Actor, ActonApp, bootstrap, Broker, ConsoleLogger, Message, Module, OnMessage } from '../../lib/index';
import { serveParent, tellParent } from '../child/child-messages';
import { askRate } from './ask-rate';
import { measureProbeOverhead } from './instrumentation-overhead';

/** Asks kept in flight (one `Promise.all` batch at a time). */
const ASK_BATCH = 256;
/** Broadcasts per event-loop turn; half the subscriber's mailbox so none is dropped. */
const BROADCAST_BATCH = 512;

@Message('InProcessPing')
class InProcessPing {}

@Message('InProcessTick')
class InProcessTick {
  seq!: number;
}

@Actor({ name: 'in_process_target', mailboxCapacity: ASK_BATCH * 2 })
class AskTargetActor {
  private count = 0;

  @OnMessage()
  ping(_msg: InProcessPing): number {
    return ++this.count;
  }
}

@Actor({ name: 'in_process_subscriber', mailboxCapacity: BROADCAST_BATCH * 2 })
class TickSubscriberActor {
  handled = 0;

  @OnMessage({ subscribe: true })
  tick(_msg: InProcessTick): void {
    this.handled++;
  }
}

@Module({ actors: [AskTargetActor, TickSubscriberActor] })
class InProcessModule {}

/** Parameters of the in-process run. */
export interface InProcessParams {
  readonly askMs: number;
  readonly broadcasts: number;
}

/** Figures of the in-process run. */
export interface InProcessResult {
  readonly asksPerSecond: number;
  readonly broadcastsPerSecond: number;
  /** Broadcasts the subscriber did not handle (dropped at a full mailbox). */
  readonly lostBroadcasts: number;
}

function asksPerSecond(app: ActonApp, durationMs: number): Promise<number> {
  return askRate(app, 'in_process_target', new InProcessPing(), { durationMs, batch: ASK_BATCH, warmupBatches: 20 });
}

async function broadcastsPerSecond(app: ActonApp, count: number): Promise<{ rate: number; lost: number }> {
  const broker = app.get(Broker);
  const subscriber = app.get(TickSubscriberActor);
  const before = subscriber.handled;
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % BROADCAST_BATCH === 0) await nextTurn();
    const tick = new InProcessTick();
    tick.seq = i;
    broker.broadcast(tick);
  }
  let last = -1;
  let progressAt = Date.now();
  while (subscriber.handled - before < count && Date.now() - progressAt < 1_000) {
    if (subscriber.handled !== last) progressAt = Date.now(); // no progress for 1 s: the rest was dropped
    last = subscriber.handled;
    await nextTurn();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const handled = subscriber.handled - before;
  return { rate: handled / seconds, lost: count - handled };
}

async function run(params: InProcessParams): Promise<InProcessResult> {
  const app = await bootstrap(InProcessModule, { logger: new ConsoleLogger('error') });
  try {
    const asks = await asksPerSecond(app, params.askMs);
    await broadcastsPerSecond(app, Math.min(params.broadcasts, 10_000)); // warm-up
    const broadcasts = await broadcastsPerSecond(app, params.broadcasts);
    return { asksPerSecond: asks, broadcastsPerSecond: broadcasts.rate, lostBroadcasts: broadcasts.lost };
  } finally {
    await app.close();
  }
}

serveParent((task, params) => {
  if (task === 'probes') {
    const { rounds, roundMs } = params as { rounds: number; roundMs: number };
    return measureProbeOverhead(rounds, roundMs);
  }
  return run(params as InProcessParams);
});
tellParent({ kind: 'ready' });
