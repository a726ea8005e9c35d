/**
 * The server's CPU per lone request with the socket taken out (bench W1's request path alone):
 * the real `FramedSocket`, `RequestPipeline`, router, mailbox and the sample's calculator, fed
 * one `AddRequest` frame at a time through a stand-in socket that answers the next request on
 * `setImmediate` once the answer is written. Prints the process's CPU time per request of each
 * round (min and median over the rounds): steadier than the socket benches on a loaded machine,
 * since the kernel's share, the client and the baseline are not in it.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/in-process/request-path-cost.ts [rounds]
 *
 * For an A/B, run it in both checkouts one after the other, a few times alternately.
 */
import 'reflect-metadata';
import { EventEmitter } from 'node:events';
import { bootstrap, ConsoleLogger, Module } from '../../lib/index';
import { resolveIpcConfig } from '../../lib/ipc/config/resolve-ipc-config';
import { MessageType } from '../../lib/ipc/protocol/wire-types';
import { Discovery } from '../../lib/ipc/server/discovery';
import { ExposedActors } from '../../lib/ipc/server/exposed-actors';
import { FramedSocket } from '../../lib/ipc/server/framed-socket';
import { InFlightRequests } from '../../lib/ipc/server/in-flight-requests';
import { RequestCounters } from '../../lib/ipc/server/listener-stats';
import { PipelineServices, RequestPipeline } from '../../lib/ipc/server/request-pipeline';
import { RequestRouter } from '../../lib/ipc/server/request-router';
import { SubscriptionManager } from '../../lib/ipc/server/subscription-manager';
import { CalculatorActor } from '../../sample/calculator/calculator.actor';

const WARMUP_REQUESTS = 30_000;
const REQUESTS_PER_ROUND = 40_000;

/** What `FramedSocket` and its write queue use of a `net.Socket`; each write ends at once. */
class StandInSocket extends EventEmitter {
  readonly destroyed = false;
  readonly writableEnded = false;
  readonly writableLength = 0;
  /** The last frame written. */
  last?: Buffer;
  onWrite: () => void = () => undefined;

  write(frame: Buffer, done?: () => void): boolean {
    this.last = frame;
    done?.();
    this.onWrite();
    return true;
  }

  pause(): void {}
  resume(): void {}
  isPaused(): boolean {
    return false;
  }
  destroy(): void {}
  end(): void {}
  cork(): void {}
  uncork(): void {}
}

/** One v2 JSON request frame asking the calculator for 3 + 4. */
function addRequestFrame(target: string): Buffer {
  const body = Buffer.from(
    JSON.stringify({
      correlation_id: 'req-000001',
      target,
      message_type: 'AddRequest',
      payload: { a: 3, b: 4 },
      expects_reply: true,
      response_timeout_ms: 30_000,
    }),
  );
  const frame = Buffer.alloc(7 + body.length);
  frame.writeUInt32BE(body.length, 0);
  frame[4] = 2;
  frame[5] = MessageType.REQUEST;
  frame[6] = 1; // JSON
  body.copy(frame, 7);
  return frame;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 7);
  @Module({ actors: [CalculatorActor] })
  class RequestPathModule {}
  const logger = new ConsoleLogger('warn');
  const app = await bootstrap(RequestPathModule, { logger });
  const exposed = new ExposedActors();
  for (const entry of app.actors()) if (entry.expose) exposed.expose(entry.name, entry.ref);
  const config = resolveIpcConfig(
    {
      socket: { appName: 'request-path-cost', path: '/tmp/request-path-cost-unused.sock' },
      rateLimit: { enabled: false },
    },
    process.env,
    { logger },
  );
  const services: PipelineServices = {
    config,
    logger,
    router: new RequestRouter(exposed, app.registry),
    subscriptions: new SubscriptionManager(logger),
    discovery: new Discovery(exposed, app.registry),
    counters: new RequestCounters(),
    inFlight: new InFlightRequests(),
  };
  const socket = new StandInSocket();
  const options = { maxMessageSize: 1 << 20, writeTimeoutMs: 0, pushBufferSize: 32_768 };
  const transport = new FramedSocket(socket as never, { connectionId: 'request-path-cost' }, options, logger);
  transport.start(new RequestPipeline(transport, services));
  const frame = addRequestFrame([...exposed.entries()][0][0]);

  /** CPU µs per request over `count` requests, each sent once the previous one was answered. */
  const run = (count: number): Promise<number> =>
    new Promise((resolve) => {
      let left = count;
      const started = process.cpuUsage();
      const send = (): void => void socket.emit('data', Buffer.from(frame));
      socket.onWrite = () => {
        if (--left > 0) return void setImmediate(send);
        const used = process.cpuUsage(started);
        resolve((used.user + used.system) / count);
      };
      send();
    });

  await run(WARMUP_REQUESTS);
  if (socket.last?.[5] !== MessageType.RESPONSE) throw new Error(`not a response: ${socket.last?.subarray(7)}`);
  const perRequest: number[] = [];
  for (let i = 0; i < rounds; i++) perRequest.push(await run(REQUESTS_PER_ROUND));
  const sorted = [...perRequest].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      cpuUsPerRequest: { min: round2(sorted[0]), median: round2(sorted[sorted.length >> 1]) },
      rounds: perRequest.map(round2),
    }),
  );
  await app.close();
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
