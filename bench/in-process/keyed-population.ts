/**
 * What a keyed (virtual) actor's activation costs in one process (issue 14, `bench/run.ts
 * --actors N`, in a child started with `--expose-gc`): the first message to each of N new keys
 * activates an instance (`app.tell('counter/k-<i>')`, and again straight through the keyed
 * type's `deliverTo`, without name routing), 1,000 keys per turn of the event loop; heap per
 * idle activation after a full GC; then every activation is passivated (`type.passivate(key)`)
 * and the heap is measured again.
 */
import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { Actor, ActonApp, bootstrap, ConsoleLogger, KeyedActorType, Message, Module, OnMessage } from '../../lib/index';
import { collectedHeapUsed, measured, PhaseWrapper, runPhase } from './population-phase';

/** Passivation after this long without messages: longer than the run, which passivates explicitly. */
const IDLE_MS = 600_000;
/**
 * First messages sent back to back before the runtime gets the turn (as the messages of one
 * socket read would arrive); the spawn workload likewise awaits 1,000 spawns at a time.
 */
const BATCH = 1_000;
/** Awaiting it lets the mailboxes scheduled by a batch run (their microtask was queued first). */
const settled = Promise.resolve();
/** Passivations awaited together. */
const PASSIVATION_BATCH = 10_000;
/** Keys activated (and let go) before measuring, so the measured phases run warm code. */
const WARM_UP_KEYS = 20_000;

@Message('KeyedHit')
class KeyedHit {}

/** The keyed actor of the workload: one field per key. */
@Actor({ name: 'keyed_counter', cluster: 'keyed', idleTimeoutMs: IDLE_MS, maxActiveKeys: 50_000_000, expose: false })
class KeyedCounterActor {
  private hits = 0;

  @OnMessage()
  hit(_message: KeyedHit): void {
    this.hits++;
  }
}

/** The same shape for the warm-up keys (their passivation must not overlap the measured ones). */
@Actor({ name: 'keyed_warm_up', cluster: 'keyed', idleTimeoutMs: 1, maxActiveKeys: 50_000_000, expose: false })
class KeyedWarmUpActor {
  private hits = 0;

  @OnMessage()
  hit(_message: KeyedHit): void {
    this.hits++;
  }
}

@Module({ actors: [KeyedCounterActor, KeyedWarmUpActor] })
class KeyedPopulationModule {}

/** Parameters of the keyed-population run. */
export interface KeyedPopulationParams {
  /** Keys to activate (twice: once through `app.tell`, once through `deliverTo`). */
  readonly keys: number;
}

/** Figures of the keyed-population run. */
export interface KeyedPopulationResult {
  readonly keys: number;
  /** First messages to new keys per second through `app.tell('keyed_counter/<key>')`, until all ran. */
  readonly activationsPerSecond: number;
  /** Process CPU time per activation through `app.tell`, µs. */
  readonly activationCpuMicros: number;
  /** The same through the keyed type's `deliverTo` (no name parsing, no validation). */
  readonly directActivationsPerSecond: number;
  readonly directActivationCpuMicros: number;
  /** Heap growth per idle activation after a full GC, bytes (the type's key map included). */
  readonly heapBytesPerActivation: number;
  /** `type.passivate(key)` of every activation (2 × keys), per second. */
  readonly passivationsPerSecond: number;
  /** Activations still alive after all were passivated (should be 0). */
  readonly leftActive: number;
  /** Heap growth per key still held once all passivated, bytes (≈ 0: nothing leaks). */
  readonly heapBytesPerKeyAfterPassivation: number;
}

async function untilIdle(type: KeyedActorType): Promise<void> {
  await sleep(0);
  await type.whenIdle();
}

async function tellAll(app: ActonApp, type: KeyedActorType, prefix: string, keys: number): Promise<void> {
  const hit = new KeyedHit();
  for (let start = 0; start < keys; start += BATCH) {
    const end = Math.min(keys, start + BATCH);
    for (let i = start; i < end; i++) app.tell(`${type.name}/${prefix}${i}`, hit);
    await settled;
  }
  return untilIdle(type);
}

async function deliverAll(app: ActonApp, type: KeyedActorType, prefix: string, keys: number): Promise<void> {
  const hit = new KeyedHit();
  const wireName = app.registry.definitionOf(hit)!.name;
  for (let start = 0; start < keys; start += BATCH) {
    const end = Math.min(keys, start + BATCH);
    for (let i = start; i < end; i++)
      type.deliverTo(`${prefix}${i}`, { message: hit, wireName, correlationId: 'bench' });
    await settled;
  }
  return untilIdle(type);
}

async function allPassivated(type: KeyedActorType, boundMs: number): Promise<void> {
  const until = Date.now() + boundMs;
  while (type.stats().active > 0 && Date.now() < until) await sleep(50);
}

async function passivateAll(type: KeyedActorType): Promise<number> {
  const keys = [...type.activeKeys()];
  for (let start = 0; start < keys.length; start += PASSIVATION_BATCH)
    await Promise.all(
      keys.slice(start, start + PASSIVATION_BATCH).map((key) => type.passivate(key, 'the bench is over')),
    );
  return keys.length;
}

/**
 * Runs the workload in this process (needs `--expose-gc`).
 * @param wrap runs each phase (`activate`, `activate-direct`, `passivate`); e.g. under a CPU profiler
 */
export async function runKeyedPopulation(
  params: KeyedPopulationParams,
  progress: (text: string) => void,
  wrap: PhaseWrapper = runPhase,
): Promise<KeyedPopulationResult> {
  const app = await bootstrap(KeyedPopulationModule, { logger: new ConsoleLogger('warn') });
  try {
    const type = app.keyedActor('keyed_counter')!;
    const warmUp = app.keyedActor('keyed_warm_up')!;
    await tellAll(app, warmUp, 'w-', WARM_UP_KEYS);
    await deliverAll(app, warmUp, 'x-', WARM_UP_KEYS);
    await allPassivated(warmUp, 10_000);

    const { keys } = params;
    progress(`activating ${keys.toLocaleString('en-US')} keys`);
    const before = collectedHeapUsed();
    const told = await wrap('activate', () => measured(() => tellAll(app, type, 'k-', keys)));
    const active = collectedHeapUsed();
    progress(`activating ${keys.toLocaleString('en-US')} more keys directly`);
    const direct = await wrap('activate-direct', () => measured(() => deliverAll(app, type, 'd-', keys)));
    progress('passivating every activation');
    const passivation = await wrap('passivate', () => measured(() => passivateAll(type)));
    const passivated = collectedHeapUsed();
    return {
      keys,
      activationsPerSecond: keys / told.seconds,
      activationCpuMicros: told.cpuMicros / keys,
      directActivationsPerSecond: keys / direct.seconds,
      directActivationCpuMicros: direct.cpuMicros / keys,
      heapBytesPerActivation: (active - before) / keys,
      passivationsPerSecond: passivation.value / passivation.seconds,
      leftActive: type.stats().active,
      heapBytesPerKeyAfterPassivation: (passivated - before) / keys,
    };
  } finally {
    await app.close();
  }
}
