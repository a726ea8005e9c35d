/**
 * What `ActonTransport` adds per request to Nest's own handler pipeline, in one process and
 * without a socket: CPU per call of `transport.dispatch()` (the IPC listener's entry: context,
 * payload, in-flight count, Nest's wrapped handler, reply forwarding) against Nest's wrapped
 * handler called directly (its guards, interceptors, pipes and filters: what any Nest transport
 * pays) with the least a transport must do (await it, hand the value to the sink). Requests
 * come in turns of 128 (as one socket read under bench W2 8×16), the two sides in alternating
 * rounds; the medians and their difference are printed. The steadiest figure of the Nest layer
 * on a loaded machine (W2's server CPU per call mixes it with the listener's and the kernel's
 * share). About 20 s:
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/nestjs/nest-dispatch-cost.ts
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BaseRpcContext, MessageHandler } from '@nestjs/microservices';
import { ConsoleLogger, Delivery, ReplySink } from 'acton-ts';
import { ActonTransport } from 'acton-ts/nestjs';
import { BenchCalculatorController } from './bench-calculator.controller';

const TURN = 128;
const TURNS = 2_000;
const ROUNDS = 7;

@Module({ controllers: [BenchCalculatorController] })
class DispatchCostModule {}

/** Hands one `AddRequest` delivery to the side being measured. */
type Side = (delivery: Delivery) => void;

/** CPU µs per call of `side`, over `TURNS` turns. */
async function usPerCall(side: Side): Promise<number> {
  const before = process.cpuUsage();
  for (let turn = 0; turn < TURNS; turn++) {
    await new Promise<void>((resolve, reject) => {
      let open = TURN;
      for (let i = 0; i < TURN; i++) {
        const sink: ReplySink = {
          next: (value) => {
            if ((value as { sum?: number }).sum !== i + 1) reject(new Error(`wrong answer ${JSON.stringify(value)}`));
          },
          complete: () => --open === 0 && resolve(),
          error: reject,
        };
        side({
          message: { a: i, b: 1 },
          wireName: 'AddRequest',
          correlationId: `c${i}`,
          peer: { connectionId: 'x' },
          sink,
        });
      }
    });
  }
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / (TURNS * TURN);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'acton-nest-dispatch-'));
  const transport = new ActonTransport({ socket: { path: join(dir, 'nest.sock') }, logger: new ConsoleLogger('warn') });
  const app = await NestFactory.createMicroservice(DispatchCostModule, { strategy: transport, logger: ['warn'] });
  await app.listen();
  try {
    const [[patternKey, handler]] = [...transport.getHandlers()] as [string, MessageHandler][];
    const nest = { route: { actor: 'calculator', type: 'AddRequest' }, handler, patternKey };
    const context = new BaseRpcContext([]);
    const sides: Record<string, Side> = {
      'ActonTransport.dispatch': (delivery) => transport.dispatch(nest, delivery),
      "Nest's wrapped handler, called directly": (delivery) =>
        void handler(delivery.message, context).then(
          (value) => {
            delivery.sink!.next(value);
            delivery.sink!.complete();
          },
          (err: unknown) => delivery.sink!.error(err),
        ),
    };
    const figures = new Map<string, number[]>(Object.keys(sides).map((name) => [name, []]));
    for (const side of Object.values(sides)) await usPerCall(side); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      const names = round % 2 === 0 ? Object.keys(sides) : Object.keys(sides).reverse();
      for (const name of names) figures.get(name)!.push(await usPerCall(sides[name]));
    }
    const [ours, floor] = [...figures.values()].map(median);
    for (const [name, values] of figures) {
      const spread = `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
      console.log(`${name}: ${median(values).toFixed(2)} µs CPU per call (median of ${ROUNDS} rounds, ${spread})`);
    }
    console.log(`ActonTransport adds ${(ours - floor).toFixed(2)} µs per call to Nest's own pipeline`);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
