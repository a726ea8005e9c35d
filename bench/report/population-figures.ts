import { ActorPopulationResult } from '../in-process/actor-population';
import { KeyedPopulationResult } from '../in-process/keyed-population';
import { Figure } from './figures';

/**
 * Published figures of other actor runtimes, printed next to the population tables (`--actors N`)
 * for scale. They come from other machines, runtimes and workloads: context, not a baseline.
 */
export const PUBLISHED_FIGURES: readonly string[] = [
  'Akka: "Small memory footprint; ~2.5 million actors per GB of heap" (≈ 430 bytes per actor), ' +
    "Akka's project description (akka.io; e.g. https://sourceforge.net/directory/networking/scala/?q=2.5)",
  'Akka: "about 400 bytes before you start adding your domain logic" per actor, Scalatra in Action ' +
    'chapter 12.3 (https://livebook.manning.com/concept/scalatra/akka-actors)',
  'Orleans: "A silo will hold 100,000 active grains" and "will handle a maximum of 10,000 requests per second" ' +
    '(8-core Azure VM), Approximate Performance Expectations in github.com/OrleansContrib/DesignPatterns ' +
    '(https://opensource-heroes.com/r/OrleansContrib/DesignPatterns); Orleans publishes no bytes-per-activation figure',
];

/** A row against an absolute target (the population figures have no baseline). */
function row(
  id: string,
  label: string,
  unit: string,
  better: Figure['better'],
  value: number,
  target?: number,
): Figure {
  const figure: Figure = { id, label, unit, better, acton: value };
  if (target === undefined) return figure;
  const met = better === 'higher' ? value >= target : value <= target;
  const text = `${better === 'higher' ? '≥' : '≤'} ${target.toLocaleString('en-US')}`;
  return { ...figure, target: text, met };
}

/**
 * The rows of `--actors N` (spawned actors), against issue 19's absolute targets. Wall-clock
 * rates depend on the load of the machine; the CPU time per operation does much less (its
 * target is the rate target's: 500k spawns/s is 2 µs of CPU per spawn).
 */
export function buildActorFigures(result: ActorPopulationResult): Figure[] {
  const n = result.actors.toLocaleString('en-US');
  return [
    row('actors.heap', `Heap per idle spawned actor (${n} actors)`, 'bytes', 'lower', result.heapBytesPerActor, 400),
    row('actors.spawn', `app.spawn() of ${n} actors`, 'spawns/s', 'higher', result.spawnsPerSecond, 500_000),
    row('actors.spawnCpu', 'CPU time per spawn', 'µs', 'lower', result.spawnCpuMicros, 2),
    row('actors.ask', `app.ask() spread over ${n} actors`, 'asks/s', 'higher', result.asksPerSecond, 1_000_000),
    row('actors.askCpu', 'CPU time per spread ask', 'µs', 'lower', result.askCpuMicros, 1),
    row('actors.rss', `RSS with ${n} actors`, 'MB', 'lower', result.rssMb, 1024),
    row('actors.heapUsed', `Heap used with ${n} actors`, 'MB', 'lower', result.heapUsedMb),
  ];
}

/** `figure` with `spawns` (the spawn figure of the same run) as its baseline and ratio. */
function perSpawn(figure: Figure, spawns: number | undefined): Figure {
  return spawns ? { ...figure, baseline: spawns, ratio: figure.acton / spawns } : figure;
}

/**
 * The rows of the keyed activations of `--actors N`, against issue 14's in-process targets. Given
 * the spawned actors' figures of the same run, the activation rates and CPU times carry the
 * spawn's as their baseline (ratio: activation ÷ spawn), which a loaded machine moves far less
 * than either figure.
 */
export function buildKeyedFigures(result: KeyedPopulationResult, spawned?: ActorPopulationResult): Figure[] {
  const n = result.keys.toLocaleString('en-US');
  const [rate, cpu] = [spawned?.spawnsPerSecond, spawned?.spawnCpuMicros];
  return [
    perSpawn(
      row(
        'keyed.activate',
        `Keyed activations, app.tell to ${n} new keys (baseline: spawns/s of the same run)`,
        'activations/s',
        'higher',
        result.activationsPerSecond,
        500_000,
      ),
      rate,
    ),
    perSpawn(
      row('keyed.activateCpu', 'CPU time per activation (app.tell)', 'µs', 'lower', result.activationCpuMicros, 2),
      cpu,
    ),
    perSpawn(
      row(
        'keyed.direct',
        `Keyed activations, deliverTo ${n} new keys`,
        'activations/s',
        'higher',
        result.directActivationsPerSecond,
      ),
      rate,
    ),
    perSpawn(
      row('keyed.directCpu', 'CPU time per activation (deliverTo)', 'µs', 'lower', result.directActivationCpuMicros),
      cpu,
    ),
    row('keyed.heap', 'Heap per idle activation', 'bytes', 'lower', result.heapBytesPerActivation, 400),
    row(
      'keyed.passivate',
      `passivate() of ${(2 * result.keys).toLocaleString('en-US')} activations`,
      'passivations/s',
      'higher',
      result.passivationsPerSecond,
    ),
    row('keyed.left', 'Heap per key after all passivated', 'bytes', 'lower', result.heapBytesPerKeyAfterPassivation),
    row('keyed.leftActive', 'Activations left after passivating all', 'activations', 'lower', result.leftActive, 0),
  ];
}
