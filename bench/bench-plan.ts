import { ConcurrentParams } from './client/concurrent.workload';
import { FanOutParams } from './client/fan-out.workload';
import { SequentialParams } from './client/sequential.workload';
import { StreamParams } from './client/stream.workload';
import { InProcessParams } from './in-process/in-process-bench';
import { NestComparisonParams } from './nestjs/nest-comparison';

/** Every count and duration of one bench run (all bounded). */
export interface BenchPlan {
  readonly quick: boolean;
  /** Each workload runs this many times per server; the median round is reported. */
  readonly rounds: number;
  /**
   * Unmeasured sequential calls each server answers (alternating) before the first workload, so
   * that W1 measures servers whose JIT has settled, both alike (see `BenchRunner.warmUp`).
   */
  readonly serverWarmUp: SequentialParams;
  /** W1. */
  readonly sequential: SequentialParams;
  /** W2, both shapes: 1 connection × 64 in flight, 8 connections × 16. */
  readonly concurrent: readonly ConcurrentParams[];
  /** W3. */
  readonly stream: StreamParams;
  /** W4. */
  readonly fanOut: FanOutParams;
  /** W5 (acton-ts only): many subscribers holding many non-matching patterns, vs the same exact-only. */
  readonly patternFanOut: FanOutParams;
  readonly inProcess: InProcessParams;
  /** W2 through the same Nest handler on ActonTransport and on Nest's TCP transport. */
  readonly nest: NestComparisonParams;
}

/** The full run (issue 7's figures) or, with `quick`, a smoke run of about 30 s. */
export function benchPlan(quick: boolean): BenchPlan {
  const w2Ms = quick ? 1_000 : 5_000;
  const w2WarmupMs = quick ? 250 : 1_000;
  return {
    quick,
    rounds: quick ? 1 : 3,
    serverWarmUp: { calls: quick ? 5_000 : 40_000, warmupCalls: 0 },
    sequential: quick ? { calls: 2_000, warmupCalls: 500 } : { calls: 20_000, warmupCalls: 2_000 },
    concurrent: [
      { connections: 1, inFlight: 64, durationMs: w2Ms, warmupMs: w2WarmupMs },
      { connections: 8, inFlight: 16, durationMs: w2Ms, warmupMs: w2WarmupMs },
    ],
    stream: { items: quick ? 10_000 : 100_000, pageSize: 1_000, warmupStreams: 1 },
    fanOut: { subscribers: 10, broadcasts: quick ? 2_000 : 20_000, warmupBroadcasts: quick ? 500 : 2_000 },
    patternFanOut: {
      subscribers: 1_000,
      broadcasts: quick ? 100 : 1_000,
      warmupBroadcasts: quick ? 20 : 100,
      noisePatterns: 50,
    },
    inProcess: { askMs: quick ? 500 : 2_500, broadcasts: quick ? 10_000 : 100_000 },
    nest: { rounds: quick ? 1 : 3, shapes: [{ connections: 8, inFlight: 16, durationMs: w2Ms, warmupMs: w2WarmupMs }] },
  };
}

/**
 * One workload by the name bench/profile.ts and bench/ab.ts take (sequential, concurrent,
 * concurrent-8, stream, fan-out; for profile.ts also W5's two sides, w5-exact and w5-patterns):
 * the load client's task and its parameters.
 */
export function workloadOf(name: string, quick: boolean): { task: string; params: unknown } {
  const plan = benchPlan(quick);
  const table: Record<string, { task: string; params: unknown }> = {
    sequential: { task: 'sequential', params: plan.sequential },
    concurrent: { task: 'concurrent', params: plan.concurrent[0] },
    'concurrent-8': { task: 'concurrent', params: plan.concurrent[1] },
    stream: { task: 'stream', params: plan.stream },
    'fan-out': { task: 'fan-out', params: plan.fanOut },
    'w5-exact': { task: 'fan-out', params: { ...plan.patternFanOut, noisePatterns: undefined } },
    'w5-patterns': { task: 'fan-out', params: plan.patternFanOut },
  };
  const workload = table[name];
  if (!workload) throw new Error(`unknown workload '${name}' (one of: ${Object.keys(table).join(', ')})`);
  return workload;
}
