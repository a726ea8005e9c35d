/**
 * What the population workloads (spawned actors, keyed activations) share: phases measured in
 * wall-clock and CPU time.
 */

/** Runs one named phase of a workload (plainly, or e.g. under a CPU profiler). */
export type PhaseWrapper = <T>(phase: string, work: () => Promise<T>) => Promise<T>;

/** Runs the phase as it is. */
export const runPhase: PhaseWrapper = (_phase, work) => work();

/** What a phase produced, with its wall-clock and CPU time. */
export interface Measured<T> {
  readonly value: T;
  readonly seconds: number;
  /** Process CPU time (user + system) the phase took, µs. */
  readonly cpuMicros: number;
}

/** Runs `work`, measuring its wall-clock and process CPU time. */
export async function measured<T>(work: () => Promise<T>): Promise<Measured<T>> {
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const value = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  return { value, seconds, cpuMicros: cpu.user + cpu.system };
}

/** Heap used after two full collections (needs `node --expose-gc`). */
export function collectedHeapUsed(): number {
  if (typeof global.gc !== 'function') throw new Error('the population benches need node --expose-gc');
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
}
