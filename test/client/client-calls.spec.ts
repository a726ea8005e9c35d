import 'reflect-metadata';
import { firstValueFrom, take, toArray } from 'rxjs';
import { ActonClient, connectUnixSocket, IpcRequestError, Push, TransportFactory } from 'acton-ts/client';
import { AddRequest, CountTo, Recall, Remember } from '../support/test-messages';
import { serverAndClientPerSuite, startTestServer, TestServer } from './fixtures/test-server';
import { rejectionOf } from './support/wait-for';

describe('ActonClient against a real listener', () => {
  const suite = serverAndClientPerSuite();

  it('request() resolves with the reply payload', async () => {
    await expect(suite.client.request('calculator', 'AddRequest', { a: 5, b: 3 })).resolves.toEqual({ sum: 8 });
  });

  it('answers concurrent requests, each by its own correlation id', async () => {
    const sums = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => suite.client.request('calculator', 'AddRequest', { a: n, b: n })),
    );
    expect(sums).toEqual([{ sum: 2 }, { sum: 4 }, { sum: 6 }, { sum: 8 }, { sum: 10 }]);
  });

  it('send() resolves on the delivered acknowledgement, and the actor got the message', async () => {
    await expect(suite.client.send('notebook', 'Remember', { value: 'first' })).resolves.toBeUndefined();
    await suite.client.send('notebook', 'Remember', { value: 'second' });
    await expect(suite.client.request('notebook', 'Recall', {})).resolves.toEqual({ values: ['first', 'second'] });
  });

  it('stream() emits one value per data frame and completes on the final frame', async () => {
    const items = await firstValueFrom(suite.client.stream('worker', 'Count', { to: 4, delay_ms: 0 }).pipe(toArray()));
    expect(items).toEqual([{ value: 1 }, { value: 2 }, { value: 3 }, { value: 4 }]);
  });

  it('stream() of a handler that yields nothing completes empty', async () => {
    await expect(
      firstValueFrom(suite.client.stream('worker', 'Count', { to: 0, delay_ms: 0 }).pipe(toArray())),
    ).resolves.toEqual([]);
  });

  it('actor().ask / tell / stream use the @Message wire name and infer the reply type', async () => {
    const calculator = suite.client.actor('calculator');
    const result = await calculator.ask(Object.assign(new AddRequest(), { a: 40, b: 2 }));
    const sum: number = result.sum; // compiles only because the reply type is inferred
    expect(sum).toBe(42);

    await suite.client.actor('notebook').tell(Object.assign(new Remember(), { value: 'typed' }));
    const recalled = (await suite.client.actor('notebook').ask(new Recall())) as { values: string[] };
    expect(recalled.values).toContain('typed');

    const ticks = await firstValueFrom(
      suite.client
        .actor('worker')
        .stream(Object.assign(new CountTo(), { to: 2, delay_ms: 0 }))
        .pipe(toArray()),
    );
    expect(ticks.map((tick) => tick.value)).toEqual([1, 2]);
  });

  it('actor().ask rejects an object that is not a @Message instance, saying what to do', async () => {
    const error = await rejectionOf(suite.client.actor('calculator').ask({ a: 1, b: 2 }));
    expect(error).toMatchObject({ name: 'IpcRequestError', code: 'UNKNOWN_MESSAGE_TYPE' });
    expect(error.message).toMatch(/@Message/);
    expect(error.message).toMatch(/client\.request/);
  });

  it('discover() lists the exposed actors with their message types and kinds, and the schemas', async () => {
    const discovery = await suite.client.discover();
    expect(discovery.success).toBe(true);
    expect(discovery.protocol_version).toMatchObject({ current: 2, min_supported: 1, max_supported: 2 });
    const names = (discovery.actors ?? []).map((actor) => actor.name).sort();
    expect(names).toEqual(['announcer', 'bottleneck', 'calculator', 'notebook', 'worker']);
    const worker = discovery.actors!.find((actor) => actor.name === 'worker')!;
    expect(worker.message_types).toEqual(
      expect.arrayContaining([
        { name: 'Count', kind: 'stream' },
        { name: 'Sleep', kind: 'request' },
      ]),
    );
    expect(discovery.message_types).toEqual(expect.arrayContaining(['AddRequest', 'AddResult', 'Count', 'Tick']));
    expect(discovery.schemas?.AddRequest).toBeDefined();
  });

  it('discover() honours includeActors / includeMessageTypes', async () => {
    const discovery = await suite.client.discover({ includeActors: false, includeMessageTypes: false });
    expect(discovery).not.toHaveProperty('actors');
    expect(discovery).not.toHaveProperty('message_types');
    expect(discovery.protocol_version?.capabilities.messagepack).toBe(true);
  });

  it('heartbeat() resolves with a round-trip time in milliseconds', async () => {
    const rtt = await suite.client.heartbeat();
    expect(typeof rtt).toBe('number');
    expect(rtt).toBeGreaterThanOrEqual(0);
  });

  it('subscribe() delivers pushes of the subscribed types only, with source_actor', async () => {
    const received = firstValueFrom(suite.client.subscribe(['PriceUpdate']).pipe(take(2), toArray()));
    await suite.client.flush();
    await suite.client.send('announcer', 'Announce', { symbol: 'ACME', price: 1, trade: true }); // not subscribed: never delivered
    await suite.client.send('announcer', 'Announce', { symbol: 'ACME', price: 101.25 });
    await suite.client.send('announcer', 'Announce', { symbol: 'GLOBEX', price: 7 });
    const pushes: Push[] = await received;
    expect(pushes.map((push) => push.payload)).toEqual([
      { symbol: 'ACME', price: 101.25 },
      { symbol: 'GLOBEX', price: 7 },
    ]);
    for (const push of pushes) {
      expect(push.message_type).toBe('PriceUpdate');
      expect(push.source_actor).toBe('announcer');
      expect(push.notification_id).toMatch(/^push_/);
    }
  });

  it('subscribe() sends Unsubscribe only when no local subscriber wants the type any more', async () => {
    const stats = () => suite.server.app.listener!.stats();
    const first = suite.client.subscribe('PriceUpdate').subscribe();
    const second = suite.client.subscribe(['PriceUpdate', 'TradeExecuted']).subscribe();
    await suite.client.flush();
    expect(stats().activeSubscriptions).toBe(2);
    first.unsubscribe();
    await suite.client.flush();
    expect(stats().activeSubscriptions).toBe(2); // the second subscriber still wants PriceUpdate
    second.unsubscribe();
    await suite.client.flush();
    expect(stats().activeSubscriptions).toBe(0);
  });

  it('close() fails later calls with CONNECTION_CLOSED and reports status closed', async () => {
    const other = await ActonClient.connect({ socketPath: suite.server.socketPath });
    const statuses: string[] = [];
    other.status$.subscribe((status) => statuses.push(status));
    await other.close();
    const error = await rejectionOf(other.request('calculator', 'AddRequest', { a: 1, b: 1 }));
    expect(error).toBeInstanceOf(IpcRequestError);
    expect(error.code).toBe('CONNECTION_CLOSED');
    expect(error.isConnectionFailure).toBe(true);
    expect(statuses).toEqual(['connected', 'closed']);
  });
});

describe('ActonClient with format msgpack', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(() => server.close());

  it('writes MessagePack frames and round-trips requests, streams and discovery', async () => {
    const formats = new Set<number>();
    const recording: TransportFactory = async (address, timeoutMs, events) => {
      const transport = await connectUnixSocket(address, timeoutMs, events);
      return {
        write: (frame) => {
          if (frame[5] !== 0x04) formats.add(frame[6]); // format byte of every non-heartbeat frame
          transport.write(frame);
        },
        close: () => transport.close(),
      };
    };
    const client = await ActonClient.connect(
      { socketPath: server.socketPath },
      { format: 'msgpack', transportFactory: recording },
    );
    try {
      await expect(client.request('calculator', 'AddRequest', { a: 2.5e9, b: 1 })).resolves.toEqual({
        sum: 2_500_000_001,
      });
      await expect(
        firstValueFrom(client.stream('worker', 'Count', { to: 3, delay_ms: 0 }).pipe(toArray())),
      ).resolves.toEqual([{ value: 1 }, { value: 2 }, { value: 3 }]);
      const discovery = await client.discover();
      expect(discovery.actors?.map((actor) => actor.name)).toContain('calculator');
      const error = await rejectionOf(client.request('calculator', 'AddRequest', { a: 'five', b: 3 }));
      expect(error.code).toBe('SERIALIZATION_ERROR');
      expect([...formats]).toEqual([0x02]);
    } finally {
      await client.close();
    }
  });
});

describe('ActonClient.connect', () => {
  it('finds a server by app name under $XDG_RUNTIME_DIR', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const runtimeDir = mkdtempSync(join(tmpdir(), 'acton-xdg-'));
    const server = await startTestServer({}, join(runtimeDir, 'acton', 'client-test-app', 'ipc.sock'));
    try {
      const client = await ActonClient.connect(
        { appName: 'client-test-app' },
        { env: { XDG_RUNTIME_DIR: runtimeDir } },
      );
      expect(client.socketPath).toBe(server.socketPath);
      await expect(client.request('calculator', 'AddRequest', { a: 1, b: 1 })).resolves.toEqual({ sum: 2 });
      await client.close();
    } finally {
      await server.close();
    }
  });

  it('fails with CONNECTION_CLOSED naming the socket path when nothing is there', async () => {
    const missing = '/tmp/acton-ts-no-such-dir/ipc.sock';
    const error = await rejectionOf(ActonClient.connect({ socketPath: missing }));
    expect(error).toBeInstanceOf(IpcRequestError);
    expect(error.code).toBe('CONNECTION_CLOSED');
    expect(error.message).toContain(missing);
    expect(error.message).toMatch(/is the server running/);
    expect(error.details).toEqual({ socketPath: missing, errno: 'ENOENT' });
  });

  it('rejects a target without socketPath or appName, saying what to pass', async () => {
    await expect(ActonClient.connect({} as never)).rejects.toThrow(/socketPath.*appName/);
  });
});
