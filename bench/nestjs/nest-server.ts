/**
 * A Nest microservice bench server (child of `bench/run.ts`): `BenchCalculatorController` on
 * ActonTransport (`NEST_BENCH_TRANSPORT=acton`, Unix socket `BENCH_SOCKET`, rate limiter off as
 * for the acton-ts server) or on Nest's TCP transport (`tcp`, 127.0.0.1 on a free port). Its
 * `ready` detail is where it listens: the socket path, or `127.0.0.1:<port>`.
 */
import 'reflect-metadata';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { ConsoleLogger } from 'acton-ts';
import { ActonTransport } from 'acton-ts/nestjs';
import { serveParent, tellParent } from '../child/child-messages';
import { BenchCalculatorController } from './bench-calculator.controller';

@Module({ controllers: [BenchCalculatorController] })
class NestBenchModule {}

async function main(): Promise<void> {
  const kind = process.env.NEST_BENCH_TRANSPORT;
  const acton =
    kind === 'acton'
      ? new ActonTransport({
          socket: { path: process.env.BENCH_SOCKET },
          rateLimit: { enabled: false },
          logger: new ConsoleLogger('warn'),
        })
      : undefined;
  if (!acton && kind !== 'tcp') {
    throw new Error(`NEST_BENCH_TRANSPORT must be 'acton' or 'tcp', got ${JSON.stringify(kind)}`);
  }
  const options: MicroserviceOptions = acton
    ? { strategy: acton }
    : { transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 } };
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(NestBenchModule, {
    ...options,
    logger: ['error', 'warn'],
  });
  await app.listen();
  serveParent();
  process.once('SIGTERM', () => void app.close().finally(() => process.exit(0)));
  const where = acton
    ? acton.listener.socketPath
    : `127.0.0.1:${(app.unwrap<NetServer>().address() as AddressInfo).port}`;
  tellParent({ kind: 'ready', detail: where });
}

main().catch((err: unknown) => {
  tellParent({ kind: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
