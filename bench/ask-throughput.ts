/**
 * In-process `app.ask()` throughput: asks/s on a trivial synchronous handler and on a message
 * validated by class-validator. Each scenario runs for about DURATION_MS, keeping BATCH asks in
 * flight. Run: `npx ts-node --transpile-only bench/ask-throughput.ts`.
 */
import 'reflect-metadata';
import { IsInt, IsString, Max, Min } from 'class-validator';
import { Actor, bootstrap, Message, Module, OnMessage } from '../lib/index';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 2500);
const BATCH = 256;

@Message('BenchPing')
class BenchPing {}

@Message('BenchOrder')
class BenchOrder {
  @IsString() symbol!: string;
  @IsInt() @Min(1) @Max(1_000_000) quantity!: number;
}

@Actor({ name: 'bench', mailboxCapacity: BATCH * 2 })
class BenchActor {
  private count = 0;

  @OnMessage()
  ping(_msg: BenchPing): number {
    return ++this.count;
  }

  @OnMessage()
  order(msg: BenchOrder): number {
    return msg.quantity;
  }
}

@Module({ actors: [BenchActor] })
class BenchModule {}

/** One scenario's result. */
export interface AskThroughput {
  readonly scenario: string;
  readonly asks: number;
  readonly seconds: number;
  readonly asksPerSecond: number;
}

async function measure(scenario: string, send: () => Promise<unknown>): Promise<AskThroughput> {
  for (let i = 0; i < 20; i++) await Promise.all(Array.from({ length: BATCH }, send)); // warm-up
  const started = process.hrtime.bigint();
  const until = Date.now() + DURATION_MS;
  let asks = 0;
  while (Date.now() < until) {
    await Promise.all(Array.from({ length: BATCH }, send));
    asks += BATCH;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { scenario, asks, seconds, asksPerSecond: Math.round(asks / seconds) };
}

/** Runs both scenarios and returns their figures. */
export async function runAskThroughput(): Promise<AskThroughput[]> {
  const app = await bootstrap(BenchModule, {
    logger: { debug() {}, info() {}, warn: console.warn, error: console.error },
  });
  try {
    const ping = new BenchPing();
    const order = Object.assign(new BenchOrder(), { symbol: 'ACME', quantity: 5 });
    return [
      await measure('ask, trivial sync handler', () => app.ask('bench', ping)),
      await measure('ask, validated message (2 fields, 4 constraints)', () => app.ask('bench', order)),
    ];
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  runAskThroughput().then(
    (results) => {
      for (const r of results)
        console.log(
          `${r.scenario.padEnd(52)} ${String(r.asksPerSecond).padStart(9)} asks/s  (${r.asks} asks in ${r.seconds.toFixed(2)} s)`,
        );
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
