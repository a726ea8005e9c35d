/**
 * `npm run sample:nestjs` — a NestJS app using acton-ts three ways at once:
 * - HTTP (platform-express): `GET /add?a=1&b=2`, `POST /orders` ask acton actors in-process;
 * - the actors (calculator, orders, countdown) answer acton clients on the Unix socket;
 * - a Nest `@MessagePattern` handler (`greetings.HelloRequest`) answers them on the same socket.
 *
 * Environment: `PORT` (HTTP, default 3000; 0 = any free port), `ACTON_IPC_SOCKET` (socket path).
 * Ctrl-C / SIGTERM closes gracefully: HTTP, then the actors drain.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { ActonApp } from 'acton-ts';
import { ActonTransport } from 'acton-ts/nestjs';
import { AppModule } from './app.module';

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn', 'log'] });
  const acton = app.get(ActonApp);
  app.connectMicroservice({ strategy: new ActonTransport({ app: acton }) });
  app.enableShutdownHooks();
  await app.startAllMicroservices();
  await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const socket = acton.listener!.socketPath;
  console.log(`acton-ts NestJS sample: HTTP on http://127.0.0.1:${port}, acton listening on ${socket}`);
  console.log(`  curl 'http://127.0.0.1:${port}/add?a=2&b=3'`);
  console.log(
    `  curl -X POST -H 'content-type: application/json' -d '{"product":"widget","quantity":2}' ` +
      `http://127.0.0.1:${port}/orders`,
  );
  console.log(`  ACTON_IPC_SOCKET=${socket} python3 sample/nestjs/demo.py`);
  // (from a clone of this repository; in a project that installed acton-ts: npx acton --socket ...)
  console.log(
    `  npx ts-node -r tsconfig-paths/register --transpile-only lib/cli/main.ts --socket ${socket} call greetings ` +
      `HelloRequest '{"name":"cli"}'`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
