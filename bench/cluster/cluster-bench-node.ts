/**
 * The serving node of `npm run bench -- --cluster`, a child process: `acton` mode runs
 * `BenchCalcActor` in a cluster app; `baseline` mode answers the same calls with nats.js alone
 * (request-reply; a stream as messages to the reply inbox; fan-out as plain publishes).
 * Prints READY when serving; answers each `cpu` line on stdin with `CPU <µs>` (its user + system
 * CPU time so far, so the bench can report the serving node's CPU per call); exits on SIGTERM.
 */
import 'reflect-metadata';
import { bootstrap, Module } from 'acton-ts';
import { ClusterModule } from 'acton-ts/cluster';
import { BenchCalcActor } from './cluster-bench-actors';

const url = process.env.ACTON_NATS_URL!;

async function acton(): Promise<void> {
  @Module({ imports: [ClusterModule.forRoot({ cluster: 'bench', nodeId: 'server' })], actors: [BenchCalcActor] })
  class ServerModule {}
  await bootstrap(ServerModule, { shutdownSignals: true });
}

async function baseline(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { connect } = require('@nats-io/transport-node');
  const nc = await connect({ servers: url });
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  nc.subscribe('base.add', {
    callback: (_err: unknown, msg: any) => {
      const { a, b } = JSON.parse(decoder.decode(msg.data));
      msg.respond(encoder.encode(JSON.stringify({ sum: a + b })));
    },
  });
  nc.subscribe('base.stream', {
    callback: (_err: unknown, msg: any) => {
      const { n } = JSON.parse(decoder.decode(msg.data));
      for (let i = 0; i < n; i++) nc.publish(msg.reply, encoder.encode(JSON.stringify({ i })));
      nc.publish(msg.reply, new Uint8Array(0));
    },
  });
  nc.subscribe('base.broadcast', {
    callback: (_err: unknown, msg: any) => {
      const { n } = JSON.parse(decoder.decode(msg.data));
      for (let seq = 0; seq < n; seq++) nc.publish('base.tick', encoder.encode(JSON.stringify({ seq })));
      msg.respond(encoder.encode(JSON.stringify({ sent: n })));
    },
  });
  process.once('SIGTERM', () => void nc.close().then(() => process.exit(0)));
}

function reportCpuOnRequest(): void {
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (line.trim() !== 'cpu') continue;
      const { user, system } = process.cpuUsage();
      console.log(`CPU ${user + system}`);
    }
  });
}

(process.argv[2] === 'baseline' ? baseline() : acton())
  .then(() => {
    reportCpuOnRequest();
    console.log('READY');
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
