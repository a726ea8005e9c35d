import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActonApp, bootstrap, Module } from 'acton-ts';
import { ActonClient, IpcRequestError } from 'acton-ts/client';
import { ClusterModule } from 'acton-ts/cluster';
import { recordingLogger } from '../support/ipc-test-app';
import { CounterActor, EchoActor, Slow } from './fixtures/cluster-actors';
import { ClusterNodeProcess, startClusterNode } from './support/cluster-node-process';
import { NatsServerProcess, startNatsServer } from './support/nats-server';
import { pollUntil } from './support/poll';
import { startProxy } from './support/tcp-proxy';

jest.setTimeout(120_000);

describe('cluster: NATS outages', () => {
  let nats: NatsServerProcess;
  const nodes: ClusterNodeProcess[] = [];
  const apps: ActonApp[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all(nodes.map((node) => node.stop()));
    await nats?.stop();
  });

  it('recovers from a nats-server restart under traffic: typed failures, none answered twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'acton-outage-'));
    const common = { natsUrl: nats.url, cluster: 'restart', nodeTimeoutMs: 1000 };
    nodes.push(await startClusterNode({ ...common, nodeId: 'node-a', socket: join(dir, 'a.sock') }));
    nodes.push(await startClusterNode({ ...common, nodeId: 'node-b', socket: join(dir, 'b.sock') }));
    const client = await ActonClient.connect({ socketPath: join(dir, 'b.sock') });
    try {
      await pollUntil('B reaches counter', async () =>
        (await client.request<{ node: string }>('counter', 'WhoAmI', {})).node === 'node-a' ? true : undefined,
      );
      const answers: string[] = [];
      const codes = new Set<string>();
      let restarted = false;
      let okAfterRestart = 0;
      let localDuringOutage: string | undefined;
      const traffic = (async () => {
        const until = Date.now() + 60_000;
        while (Date.now() < until && okAfterRestart < 20) {
          try {
            const reply = await client.request<{ node: string; total: number }>(
              'counter',
              'Increment',
              { by: 1 },
              { timeoutMs: 5000 },
            );
            answers.push(`${reply.node}/${reply.total}`);
            if (restarted) okAfterRestart++;
          } catch (err) {
            codes.add((err as IpcRequestError).code);
            if (!restarted) {
              localDuringOutage ??= (
                await client.request<{ node: string }>('private_local', 'WhoAmI', {}).catch(() => ({ node: 'failed' }))
              ).node;
            }
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      })();
      await pollUntil('some traffic', async () => (answers.length >= 10 ? true : undefined));
      await nats.stop(false);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await nats.restart();
      restarted = true;
      const restartedAt = Date.now();
      await traffic;
      console.log(
        `nats restart: ${Date.now() - restartedAt} ms until 20 answers after restart; codes meanwhile: ` +
          `${[...codes].join(', ')}`,
      );
      expect(okAfterRestart).toBe(20);
      expect(new Set(answers).size).toBe(answers.length);
      expect(localDuringOutage).toBe('node-b');
      for (const code of codes) expect(['CONNECTION_CLOSED', 'ACTOR_NOT_FOUND', 'NODE_UNAVAILABLE']).toContain(code);
      expect(codes.has('CONNECTION_CLOSED')).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('makes a node cut off from NATS give its singletons up before another node takes them', async () => {
    const proxy = await startProxy(nats.port);
    const events: { at: number; what: string }[] = [];
    const logger = (who: string) => {
      const lines: string[] = [];
      const base = recordingLogger(lines);
      const note = (message: string): void => {
        if (/stopped serving 'counter'/.test(message)) events.push({ at: Date.now(), what: `${who} gave up` });
        if (/taking over/.test(message) || /serves 'counter'/.test(message))
          events.push({ at: Date.now(), what: `${who} serves` });
      };
      return { ...base, info: note, warn: note };
    };
    const start = async (who: string, servers: string): Promise<ActonApp> => {
      @Module({
        imports: [
          ClusterModule.forRoot({ servers, cluster: 'cutoff', nodeId: who, heartbeatMs: 100, nodeTimeoutMs: 600 }),
        ],
        actors: [CounterActor, EchoActor],
      })
      class NodeModule {}
      const app = await bootstrap(NodeModule, { logger: logger(who) });
      apps.push(app);
      return app;
    };
    const isolated = await start('isolated', proxy.url);
    const other = await start('other', nats.url);
    expect(isolated.cluster!.serves('counter')).toBe(true);
    proxy.cut();
    await pollUntil('other takes counter', async () => (other.cluster!.serves('counter') ? true : undefined), 10_000);
    expect(isolated.cluster!.serves('counter')).toBe(false);
    const gaveUp = events.find((e) => e.what === 'isolated gave up');
    const tookOver = events.find((e) => e.what === 'other serves');
    expect(gaveUp).toBeDefined();
    expect(tookOver).toBeDefined();
    expect(gaveUp!.at).toBeLessThan(tookOver!.at);
    proxy.heal();
    await proxy.close();
  });

  it('fails a call in flight on a replicated actor NODE_UNAVAILABLE when the node running it drops out', async () => {
    const proxy = await startProxy(nats.port);
    @Module({
      imports: [
        ClusterModule.forRoot({
          servers: proxy.url,
          cluster: 'replicated-loss',
          nodeId: 'worker',
          heartbeatMs: 100,
          nodeTimeoutMs: 600,
        }),
      ],
      actors: [EchoActor],
    })
    class WorkerModule {}
    @Module({
      imports: [
        ClusterModule.forRoot({
          servers: nats.url,
          cluster: 'replicated-loss',
          nodeId: 'client',
          heartbeatMs: 100,
          nodeTimeoutMs: 600,
        }),
      ],
    })
    class ClientModule {}
    apps.push(await bootstrap(WorkerModule, { logger: recordingLogger([]) }));
    const client = await bootstrap(ClientModule, { logger: recordingLogger([]) });
    apps.push(client);
    await pollUntil('client sees worker', async () =>
      client.cluster!.nodes().some((n) => n.nodeId === 'worker') ? true : undefined,
    );
    const call = client.ask('echo', Object.assign(new Slow(), { ms: 4000 }), { timeoutMs: 20_000 });
    call.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cutAt = Date.now();
    proxy.cut();
    await expect(call).rejects.toMatchObject({ code: 'NODE_UNAVAILABLE' });
    expect(Date.now() - cutAt).toBeLessThan(600 + 2000);
    await proxy.close();
  });
});
