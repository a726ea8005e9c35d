/**
 * Keyed actors (issue 14), a standalone script (about 10 s):
 *
 *   node --expose-gc -r ts-node/register/transpile-only -r tsconfig-paths/register bench/keyed/keyed-bench.ts [keys]
 *
 * - activation rate: first messages to new keys per second (`app.tell('counter/<key>')`, each
 *   activating a fresh instance), and the same through the keyed type's ref directly (no
 *   in-process validation / routing);
 * - idle cost: heap bytes per idle activation (heap after GC with `keys` idle activations minus
 *   the heap before, divided by `keys`);
 * - passivation: all of them passivate after `idleTimeoutMs`; heap back within what bound.
 */
import 'reflect-metadata';
import { setTimeout as sleep } from 'node:timers/promises';
import { Actor, ActonApp, bootstrap, ConsoleLogger, Message, Module, OnMessage } from '../../lib/index';

const KEYS = Number(process.argv[2] ?? 200_000);
const IDLE_MS = 4_000;

@Message('BenchHit')
class BenchHit {}

@Actor({ name: 'counter', cluster: 'keyed', idleTimeoutMs: IDLE_MS, maxActiveKeys: 2_000_000, expose: false })
class CounterActor {
  private hits = 0;

  @OnMessage()
  hit(_message: BenchHit): void {
    this.hits++;
  }
}

@Module({ actors: [CounterActor] })
class BenchModule {}

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('Run with node --expose-gc (see the header of bench/keyed/keyed-bench.ts)');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function untilIdle(app: ActonApp): Promise<void> {
  await sleep(0);
  await app.keyedActor('counter')!.whenIdle();
}

async function main(): Promise<void> {
  const app = await bootstrap(BenchModule, { logger: new ConsoleLogger('warn') });
  const type = app.keyedActor('counter')!;
  const hit = new BenchHit();
  // Warm up the code paths, then let the warm-up keys go.
  for (let i = 0; i < 20_000; i++) app.tell(`counter/w-${i}`, hit);
  await untilIdle(app);
  await type.passivateAll(new Error('warm-up over'));
  (type as unknown as { accepting: boolean }).accepting = true;

  const before = heapAfterGc();
  let started = process.hrtime.bigint();
  for (let i = 0; i < KEYS; i++) app.tell(`counter/k-${i}`, hit);
  await untilIdle(app);
  const tellSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const after = heapAfterGc();
  const bytesPerActivation = (after - before) / KEYS;

  started = process.hrtime.bigint();
  const wireName = app.registry.definitionOf(hit)!.name;
  for (let i = 0; i < KEYS; i++) type.deliverTo(`d-${i}`, { message: hit, wireName, correlationId: 'bench' });
  await untilIdle(app);
  const directSeconds = Number(process.hrtime.bigint() - started) / 1e9;

  const deadline = Date.now() + IDLE_MS * 4;
  while (type.stats().active > 0 && Date.now() < deadline) await sleep(100);
  const passivated = heapAfterGc();
  console.log(
    JSON.stringify({
      keys: KEYS,
      activationsPerSecondViaTell: Math.round(KEYS / tellSeconds),
      activationsPerSecondDirect: Math.round(KEYS / directSeconds),
      heapBytesPerIdleActivation: Math.round(bytesPerActivation),
      leftActiveAfterIdle: type.stats().active,
      heapBeforeMB: +(before / 1e6).toFixed(1),
      heapActiveMB: +(after / 1e6).toFixed(1),
      heapAfterPassivationMB: +(passivated / 1e6).toFixed(1),
    }),
  );
  await app.close();
}

void main();
