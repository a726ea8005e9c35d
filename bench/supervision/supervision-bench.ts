/**
 * Supervision figures (issue 15), a standalone script (about 10 s):
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/supervision/supervision-bench.ts
 *
 * - restart latency: from the moment a handler throws to the first message handled by the new
 *   instance (queued right behind the failing one), backoff 0; p50 / p99 / mean over the runs;
 *   the same for one key of a keyed actor (a fresh activation of the key);
 * - timer tick cost: CPU time per tick of `sendEvery`, (a) with a clock that fires at once (the
 *   runtime's own work: schedule, deliver, handle a trivial message) and (b) on the system clock
 *   at a 1 ms period (adds Node's timer machinery).
 */
import 'reflect-metadata';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  Actor,
  ActonApp,
  bootstrap,
  Clock,
  ClockTimer,
  ConsoleLogger,
  Message,
  Module,
  OnMessage,
  Timers,
} from '../../lib/index';

const RESTARTS = 2_000;
const TICKS = 200_000;
const REAL_TICK_SECONDS = 3;

@Message('BenchBoom')
class BenchBoom {}

@Message('BenchProbe')
class BenchProbe {}

@Message('BenchTick')
class BenchTick {}

let failedAt = 0n;
let firstHandledAt = 0n;
let ticks = 0;

@Actor({
  name: 'bench_restartable',
  expose: false,
  supervision: { maxRestarts: 1_000_000, backoff: { minMs: 0, maxMs: 0 } },
})
class RestartableActor {
  private handled = 0;

  @OnMessage()
  boom(_message: BenchBoom): void {
    failedAt = process.hrtime.bigint();
    throw new Error('bench failure');
  }

  @OnMessage()
  probe(_message: BenchProbe): number {
    if (this.handled++ === 0) firstHandledAt = process.hrtime.bigint();
    return this.handled;
  }
}

/** The same as a keyed actor: each restart is a fresh activation of the key. */
@Actor({
  name: 'bench_keyed',
  cluster: 'keyed',
  expose: false,
  supervision: { maxRestarts: 1_000_000, backoff: { minMs: 0, maxMs: 0 } },
})
class KeyedRestartableActor extends RestartableActor {}

@Actor({ name: 'bench_ticked', expose: false })
class TickedActor {
  @OnMessage()
  tick(_message: BenchTick): void {
    ticks++;
  }
}

/** A clock whose timers are run by `drain()` as fast as possible: only the runtime's own cost remains. */
class ImmediateClock extends Clock {
  private due: (() => void)[] = [];
  now(): number {
    return 0;
  }
  schedule(callback: () => void): ClockTimer {
    this.due.push(callback);
    return { cancel: () => (this.due = this.due.filter((other) => other !== callback)) };
  }
  async drain(until: () => boolean): Promise<void> {
    let turn = 0;
    while (!until()) {
      const batch = this.due;
      this.due = [];
      for (const callback of batch) callback();
      if (++turn % 64 === 0 || batch.length === 0) await nextTurn();
    }
  }
}

@Module({ actors: [RestartableActor, KeyedRestartableActor, TickedActor] })
class BenchModule {}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function restartLatency(app: ActonApp, target: string, label: string): Promise<string> {
  const samples: number[] = [];
  for (let i = 0; i < RESTARTS; i++) {
    const failing = app.ask(target, new BenchBoom()).catch(() => undefined);
    const probe = app.ask<number>(target, new BenchProbe());
    await failing;
    if ((await probe) !== 1) throw new Error('the probe was not the first message of the new instance');
    samples.push(Number(firstHandledAt - failedAt) / 1_000);
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  const [p50, p99] = [quantile(samples, 0.5).toFixed(0), quantile(samples, 0.99).toFixed(0)];
  return `${label} (backoff 0, ${RESTARTS} restarts): p50 ${p50} µs, p99 ${p99} µs, mean ${mean.toFixed(0)} µs`;
}

async function tickCost(): Promise<string> {
  const clock = new ImmediateClock();
  const app = await bootstrap(BenchModule, { logger: new ConsoleLogger('error'), clock });
  ticks = 0;
  const before = process.cpuUsage();
  const handle = app.get(Timers).sendEvery('bench_ticked', new BenchTick(), 1, { mode: 'fixed-rate' });
  await clock.drain(() => ticks >= TICKS);
  handle.cancel();
  const used = process.cpuUsage(before);
  await app.close();
  const perTick = ((used.user + used.system) / ticks).toFixed(2);
  return `timer tick, runtime cost (${TICKS} ticks, immediate clock): ${perTick} µs CPU per tick`;
}

async function realTickCost(): Promise<string> {
  const app = await bootstrap(BenchModule, { logger: new ConsoleLogger('error') });
  ticks = 0;
  const before = process.cpuUsage();
  const handle = app.get(Timers).sendEvery('bench_ticked', new BenchTick(), 1);
  await new Promise((resolve) => setTimeout(resolve, REAL_TICK_SECONDS * 1_000));
  handle.cancel();
  const used = process.cpuUsage(before);
  await app.close();
  const perTick = ((used.user + used.system) / ticks).toFixed(1);
  return `timer tick on the system clock (1 ms period, ${REAL_TICK_SECONDS} s): ${ticks} ticks, ${perTick} µs CPU per tick`;
}

async function main(): Promise<void> {
  const app = await bootstrap(BenchModule, { logger: new ConsoleLogger('error') });
  console.log(await restartLatency(app, 'bench_restartable', 'restart latency'));
  console.log(await restartLatency(app, 'bench_keyed/k', 'keyed activation restart latency'));
  await app.close();
  console.log(await tickCost());
  console.log(await realTickCost());
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
