import { ActonApp } from 'acton-ts';
import { ActonClient } from 'acton-ts/client';
import type { MessageTypeFigures } from 'acton-ts/observability';
import { runActon } from '../cli/support/run-acton';
import { startObservedApp } from './fixtures/observed-app';

describe('acton stats and acton ping --ready over the app socket ($acton)', () => {
  let app: ActonApp;
  let socket: string;

  beforeAll(async () => {
    app = await startObservedApp();
    socket = app.listener!.socketPath;
    const client = await ActonClient.connect({ socketPath: socket });
    for (let i = 0; i < 5; i++) await client.request('calculator', 'Add', { a: i, b: i });
    await client.close();
  });

  afterAll(() => app.close());

  it('acton stats prints one JSON snapshot with the listener and per-actor figures', async () => {
    const result = await runActon(['--socket', socket, 'stats']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const stats = JSON.parse(lines[0]);
    expect(stats.listener).toMatchObject({
      activeConnections: 1,
      messagesReceived: expect.any(Number),
    });
    expect(stats.listener.messagesReceived).toBeGreaterThanOrEqual(6); // 5 adds + this StatsRequest
    const calculator = stats.actors.find((a: { actor: string }) => a.actor === 'Calculator');
    expect(calculator).toMatchObject({
      instances: 1,
      mailboxDepth: 0,
      streamsInFlight: 0,
      restarts: 0,
    });
    expect(calculator.messageTypes).toEqual([
      expect.objectContaining({
        messageType: 'Add',
        outcomes: { ok: 5 },
        handlerSeconds: expect.objectContaining({ count: 5 }),
      }),
    ]);
    expect(stats.bucketsSeconds).toHaveLength(calculator.messageTypes[0].handlerSeconds.buckets.length - 1);
  });

  it('acton ping --ready reports each check and exits 0 when ready', async () => {
    const result = await runActon(['--socket', socket, 'ping', '--ready']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/heartbeat from .* seq=1/);
    expect(result.stdout).toContain('ok   app-running');
    expect(result.stdout).toContain('ok   socket-accepting');
    expect(result.stdout.trim().split('\n').pop()).toBe('ready');
  });

  it('acton ping --ready costs one accepted connection, told apart by the ReadyRequest count', async () => {
    const readyRequests = (stats: { actors: { actor: string; messageTypes: MessageTypeFigures[] }[] }): number =>
      stats.actors
        .find((a) => a.actor === 'ActonSystemActor')!
        .messageTypes.filter((m) => m.messageType === 'ReadyRequest')
        .reduce((sum, m) => sum + (m.outcomes.ok ?? 0), 0);
    const observer = await ActonClient.connect({ socketPath: socket });
    try {
      type Snapshot = Parameters<typeof readyRequests>[0] & { listener: { connectionsAccepted: number } };
      const before = (await observer.request('$acton', 'StatsRequest', {})) as Snapshot;
      expect((await runActon(['--socket', socket, 'ping', '--ready'])).code).toBe(0);
      const after = (await observer.request('$acton', 'StatsRequest', {})) as Snapshot;
      // A probe is a real connection (README: `$acton`, `acton stats`, ...): counted, and told apart.
      expect(after.listener.connectionsAccepted - before.listener.connectionsAccepted).toBe(1);
      expect(readyRequests(after) - readyRequests(before)).toBe(1);
    } finally {
      await observer.close();
    }
  }, 60_000);

  it('$acton answers ActorsRequest, and adds exactly one name to discovery', async () => {
    const client = await ActonClient.connect({ socketPath: socket });
    try {
      const list = (await client.request('$acton', 'ActorsRequest', {
        limit: 2,
      })) as { total: number; actors: { name: string }[] };
      expect(list.total).toBe(4);
      // creation order: imported modules first
      expect(list.actors.map((a) => a.name)).toEqual(['$acton', 'calculator']);
      await expect(client.request('$acton', 'ActorsRequest', { limit: 0 })).rejects.toMatchObject({
        code: 'SERIALIZATION_ERROR',
      });
      const discovery = await client.discover();
      expect(discovery.actors!.map((a) => a.name).sort()).toEqual(['$acton', 'calculator', 'chain', 'crashy']);
    } finally {
      await client.close();
    }
  });

  it('acton stats against an app without MetricsModule fails with ACTOR_NOT_FOUND (exit 1)', async () => {
    const { bootstrap, IpcModule, Module } = await import('acton-ts');
    const { tempSocketPath } = await import('acton-ts/testing');
    const { Calculator } = await import('./fixtures/observed-app');
    @Module({
      imports: [IpcModule.forRoot({ socket: { path: tempSocketPath('plain.sock') } })],
      actors: [Calculator],
    })
    class PlainModule {}
    const plain = await bootstrap(PlainModule);
    try {
      const result = await runActon(['--socket', plain.listener!.socketPath, 'stats']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('ACTOR_NOT_FOUND');
    } finally {
      await plain.close();
    }
  });
});
