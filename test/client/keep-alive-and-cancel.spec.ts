import 'reflect-metadata';
import { firstValueFrom, take, toArray } from 'rxjs';
import { ActonClient, ClientStatus } from 'acton-ts/client';
import { streamProbe } from './fixtures/test-actors';
import { startTestServer, TestServer } from './fixtures/test-server';
import { waitFor } from './support/wait-for';

describe('keep-alive against read_timeout_ms', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ timeouts: { readTimeoutMs: 500 } });
  });

  afterAll(() => server.close());

  /** Connects, idles for 1.5 s, and returns the statuses seen. */
  async function idle(heartbeatIntervalMs: number): Promise<ClientStatus[]> {
    const client = await ActonClient.connect(
      { socketPath: server.socketPath },
      { heartbeatIntervalMs, reconnect: { initialDelayMs: 10, maxDelayMs: 50 } },
    );
    const statuses: ClientStatus[] = [];
    client.status$.subscribe((status) => statuses.push(status));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await expect(client.request('calculator', 'AddRequest', { a: 1, b: 2 })).resolves.toEqual({ sum: 3 });
    await client.close();
    return statuses;
  }

  it('an idle client with heartbeats every 100 ms is never cut by a 500 ms read timeout', async () => {
    expect(await idle(100)).toEqual(['connected', 'closed']);
  });

  it('without heartbeats the server cuts the idle client (which then reconnects)', async () => {
    expect(await idle(0)).toEqual(expect.arrayContaining(['connected', 'reconnecting']));
  });
});

describe('a stream cancelled by its consumer', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(() => server.close());

  it("stops the server-side producer: the handler's ctx.signal aborts", async () => {
    streamProbe.reset();
    const client = await ActonClient.connect({ socketPath: server.socketPath });
    try {
      const firstTwo = await firstValueFrom(
        client.stream('worker', 'Count', { to: 1_000, delay_ms: 50 }).pipe(take(2), toArray()),
      );
      expect(firstTwo).toEqual([{ value: 1 }, { value: 2 }]);
      await waitFor(() => streamProbe.aborted.length === 1, "the handler's signal to abort");
      expect(streamProbe.aborted[0]).toMatch(/^str_/);
      // The client's own connection is unaffected.
      await expect(client.request('calculator', 'AddRequest', { a: 1, b: 1 })).resolves.toEqual({ sum: 2 });
    } finally {
      await client.close();
    }
  });

  it('delivers nothing after unsubscribe', async () => {
    const client = await ActonClient.connect({ socketPath: server.socketPath });
    try {
      const seen: unknown[] = [];
      const subscription = client.stream('worker', 'Count', { to: 1_000, delay_ms: 20 }).subscribe((value) => {
        seen.push(value);
        if (seen.length === 3) subscription.unsubscribe();
      });
      await waitFor(() => seen.length >= 3, 'three items');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(seen).toHaveLength(3);
    } finally {
      await client.close();
    }
  });
});
