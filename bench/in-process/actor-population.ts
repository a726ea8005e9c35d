/**
 * What an actor costs the core (`bench/run.ts --actors N`, in a child started with
 * `--expose-gc`): N `app.spawn` calls of a one-field actor, then asks spread over all of them.
 * No sockets; there is no baseline for these. Each phase reports its count, wall-clock rate and
 * the process's CPU time per operation (steadier than the rate on a loaded machine).
 */
import 'reflect-metadata';
import { Actor, ActonApp, ActorRef, bootstrap, ConsoleLogger, Message, Module, OnMessage } from '../../lib/index';
import { collectedHeapUsed, measured, PhaseWrapper, runPhase } from './population-phase';

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
  /** Process CPU time (user + system) per spawn, µs. */
  readonly spawnCpuMicros: number;
  /** Heap growth per idle spawned actor after a full GC, bytes (the app's registries included). */
  readonly heapBytesPerActor: number;
  readonly asksPerSecond: number;
  /** Process CPU time per ask, µs. */
  readonly askCpuMicros: number;
  readonly asks: number;
  /** RSS with every actor alive, after the asks, MB. */
  readonly rssMb: number;
  /** Heap used with every actor alive, MB. */
  readonly heapUsedMb: number;
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

async function askAll(app: ActonApp, refs: readonly ActorRef[], durationMs: number): Promise<number> {
  const bump = new PopulationBump();
  const wanted = Math.max(refs.length, 1_000_000);
  let next = 0;
  let asks = 0;
  const batch: Promise<unknown>[] = new Array(ASK_BATCH);
  const until = Date.now() + durationMs;
  while (asks < wanted && Date.now() < until) {
    for (let i = 0; i < ASK_BATCH; i++) {
      batch[i] = app.ask(refs[next], bump);
      if (++next === refs.length) next = 0;
    }
    await Promise.all(batch);
    asks += ASK_BATCH;
  }
  return asks;
}

/**
 * Runs the workload in this process (needs `--expose-gc`).
 * @param wrap runs each phase (`spawn`, `ask`); e.g. under a CPU profiler (`population-profile.ts`)
 */
export async function runActorPopulation(
  params: ActorPopulationParams,
  progress: (text: string) => void,
  wrap: PhaseWrapper = runPhase,
): Promise<ActorPopulationResult> {
  // Never closed: closing a million actors is not what is measured, and the parent stops this child.
  const app = await bootstrap(PopulationModule, { logger: new ConsoleLogger('error') });
  const heapBefore = collectedHeapUsed();
  const spawned = await wrap('spawn', () => measured(() => spawnAll(app, params.actors, progress)));
  const heapAfter = collectedHeapUsed();
  progress(`asking ${params.actors.toLocaleString('en-US')} actors`);
  const asked = await wrap('ask', () => measured(() => askAll(app, spawned.value, params.askMs)));
  const memory = process.memoryUsage();
  return {
    actors: params.actors,
    spawnsPerSecond: params.actors / spawned.seconds,
    spawnCpuMicros: spawned.cpuMicros / params.actors,
    heapBytesPerActor: (heapAfter - heapBefore) / params.actors,
    asksPerSecond: asked.value / asked.seconds,
    askCpuMicros: asked.cpuMicros / asked.value,
    asks: asked.value,
    rssMb: memory.rss / 2 ** 20,
    heapUsedMb: memory.heapUsed / 2 ** 20,
  };
}
