/**
 * The child process of `bench/run.ts --actors N` (started with `--expose-gc`): runs the
 * `actors` task (spawned actors, `actor-population.ts`) or the `keyed` task (keyed activations,
 * `keyed-population.ts`); the parent runs each in a fresh child so one's heap does not weigh on
 * the other's figures.
 */
import { serveParent, tellParent } from '../child/child-messages';
import { ActorPopulationParams, runActorPopulation } from './actor-population';
import { KeyedPopulationParams, runKeyedPopulation } from './keyed-population';

serveParent((task, params, progress) => {
  if (task === 'actors') return runActorPopulation(params as ActorPopulationParams, progress);
  if (task === 'keyed') return runKeyedPopulation(params as KeyedPopulationParams, progress);
  return Promise.reject(new Error(`unknown population task '${task}' (use actors or keyed)`));
});
tellParent({ kind: 'ready' });
