/**
 * What an actor costs the core, a child process of `bench/run.ts --actors N` (started with
 * `--expose-gc`): N `app.spawn` calls of a one-field actor, then asks spread over all of them.
 * No sockets; there is no baseline for these.
 */
import 'reflect-metadata';
import { Actor, ActonApp, ActorRef, bootstrap, ConsoleLogger, Message, Module, OnMessage } from '../../lib/index';
import { serveParent, tellParent } from '../child/child-messages';

/** Spawns awaited together (one `Promise.all` batch at a time). */
const SPAWN_BATCH = 1_000;
/** Asks kept in flight (one `Promise.all` batch at a time), each to the next actor round-robin. */
const ASK_BATCH = 1_024;

@Message('PopulationBump')
class PopulationBump {}

/** The one-field actor of the workload. */
@Actor({ name: 'population_counter' })
class CounterActor {
  count = 0;

  @OnMessage()
  bump(_msg: PopulationBump): number {
    return ++this.count;
  }
}

@Module({})
class PopulationModule {}

/** Parameters of the actor-population run. */
export interface ActorPopulationParams {
  /** Actors to spawn. */
  readonly actors: number;
  /** Bound on the ask phase, ms (it also stops after `actors` asks, at least 1M). */
  readonly askMs: number;
}

/** Figures of the actor-population run. */
export interface ActorPopulationResult {
  readonly actors: number;
  readonly spawnsPerSecond: number;
  /** Heap growth per idle spawned actor after a full GC, bytes (the app's registries included). */
  readonly heapBytesPerActor: number;
  readonly asksPerSecond: number;
  readonly asks: number;
  /** RSS with every actor alive, after the asks, MB. */
  readonly rssMb: number;
  /** Heap used with every actor alive, MB. */
  readonly heapUsedMb: number;
}

function collectedHeapUsed(): number {
  if (typeof global.gc !== 'function') throw new Error('the actor-population bench needs node --expose-gc');
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
}

async function spawnAll(app: ActonApp, count: number, progress: (text: string) => void): Promise<ActorRef[]> {
  const refs: ActorRef[] = new Array(count);
  for (let start = 0; start < count; start += SPAWN_BATCH) {
    const end = Math.min(count, start + SPAWN_BATCH);
    const batch: Promise<ActorRef>[] = [];
    for (let i = start; i < end; i++) batch.push(app.spawn(CounterActor, `c${i}`));
    const spawned = await Promise.all(batch);
    for (let i = start; i < end; i++) refs[i] = spawned[i - start];
    if ((end & 0xffff) < SPAWN_BATCH) progress(`spawned ${end.toLocaleString('en-US')} actors`);
  }
  return refs;
}

interface AskFigures {
  readonly asks: number;
  readonly rate: number;
}

async function askAll(app: ActonApp, refs: readonly ActorRef[], durationMs: number): Promise<AskFigures> {
  const bump = new PopulationBump();
  const wanted = Math.max(refs.length, 1_000_000);
  let next = 0;
  let asks = 0;
  const batch: Promise<unknown>[] = new Array(ASK_BATCH);
  const started = process.hrtime.bigint();
  const until = Date.now() + durationMs;
  while (asks < wanted && Date.now() < until) {
    for (let i = 0; i < ASK_BATCH; i++) {
      batch[i] = app.ask(refs[next], bump);
      if (++next === refs.length) next = 0;
    }
    await Promise.all(batch);
    asks += ASK_BATCH;
  }
  return { asks, rate: asks / (Number(process.hrtime.bigint() - started) / 1e9) };
}

async function run(params: ActorPopulationParams, progress: (text: string) => void): Promise<ActorPopulationResult> {
  // Never closed: closing a million actors is not what is measured, and the parent stops this child.
  const app = await bootstrap(PopulationModule, { logger: new ConsoleLogger('error') });
  const heapBefore = collectedHeapUsed();
  const started = process.hrtime.bigint();
  const refs = await spawnAll(app, params.actors, progress);
  const spawnSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const heapAfter = collectedHeapUsed();
  progress(`asking ${params.actors.toLocaleString('en-US')} actors`);
  const asked = await askAll(app, refs, params.askMs);
  const memory = process.memoryUsage();
  return {
    actors: params.actors,
    spawnsPerSecond: params.actors / spawnSeconds,
    heapBytesPerActor: (heapAfter - heapBefore) / params.actors,
    asksPerSecond: asked.rate,
    asks: asked.asks,
    rssMb: memory.rss / 2 ** 20,
    heapUsedMb: memory.heapUsed / 2 ** 20,
  };
}

serveParent((_task, params, progress) => run(params as ActorPopulationParams, progress));
tellParent({ kind: 'ready' });
