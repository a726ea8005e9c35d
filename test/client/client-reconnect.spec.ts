import 'reflect-metadata';
import { firstValueFrom, tap, toArray } from 'rxjs';
import { ActonClient, ClientStatus, IpcRequestError, Push } from 'acton-ts/client';
import { startTestServer } from './fixtures/test-server';
import { rejectionOf, waitFor } from './support/wait-for';

const FAST_RECONNECT = { initialDelayMs: 20, maxDelayMs: 100 };

describe('reconnection after a server restart', () => {
  it('fails in-flight calls at once, reconnects, and resumes subscriptions', async () => {
    const first = await startTestServer();
    const client = await ActonClient.connect({ socketPath: first.socketPath }, { reconnect: FAST_RECONNECT });
    const statuses: ClientStatus[] = [];
    client.status$.subscribe((status) => statuses.push(status));
    const pushes: Push[] = [];
    const subscription = client.subscribe('PriceUpdate').subscribe((push) => pushes.push(push));
    try {
      await client.flush();
      await client.send('announcer', 'Announce', { symbol: 'BEFORE', price: 1 });
      await waitFor(() => pushes.length === 1, 'the push before the restart');

      // A call in flight when the server goes away fails with CONNECTION_CLOSED, not after its 30 s deadline.
      const inFlight = rejectionOf(client.request('worker', 'Sleep', { delay_ms: 10_000 }, { timeoutMs: 30_000 }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await first.app.listener!.stop();
      const error: IpcRequestError = await inFlight;
      expect(error).toBeInstanceOf(IpcRequestError);
      expect(error.code).toBe('CONNECTION_CLOSED');
      expect(error.isConnectionFailure).toBe(true);
      expect(error.isNoReply).toBe(false);
      await first.close();
      await waitFor(() => statuses.includes('reconnecting'), 'status reconnecting');

      // A call made while the server is down waits for the reconnection (within its deadline).
      const second = await startTestServer({}, first.socketPath);
      try {
        await expect(
          client.request('calculator', 'AddRequest', { a: 2, b: 2 }, { timeoutMs: 10_000 }),
        ).resolves.toEqual({ sum: 4 });
        expect(client.status).toBe('connected');
        expect(statuses).toEqual(['connected', 'reconnecting', 'connected']);

        // The subscription was sent again on the new connection: pushes arrive again.
        await client.flush();
        await client.send('announcer', 'Announce', { symbol: 'AFTER', price: 2 });
        await waitFor(() => pushes.length === 2, 'the push after the restart');
        expect(pushes.map((push) => (push.payload as { symbol: string }).symbol)).toEqual(['BEFORE', 'AFTER']);
      } finally {
        subscription.unsubscribe();
        await client.close();
        await second.close();
      }
    } finally {
      await client.close();
      await first.close();
    }
  });

  it('with reconnect: false a drop closes the client and errors push Observables', async () => {
    const server = await startTestServer();
    const client = await ActonClient.connect({ socketPath: server.socketPath }, { reconnect: false });
    const pushes = firstValueFrom(client.subscribe('PriceUpdate').pipe(toArray()));
    await client.flush();
    await server.app.listener!.stop();
    await server.close();
    const error = await rejectionOf(pushes);
    expect(error).toBeInstanceOf(IpcRequestError);
    expect(error.code).toBe('CONNECTION_CLOSED');
    expect(client.status).toBe('closed');
    expect((await rejectionOf(client.heartbeat())).code).toBe('CONNECTION_CLOSED');
  });

  it('gives up after maxAttempts and goes closed, naming the socket path', async () => {
    const server = await startTestServer();
    const client = await ActonClient.connect(
      { socketPath: server.socketPath },
      { reconnect: { ...FAST_RECONNECT, maxAttempts: 3 } },
    );
    await server.app.listener!.stop();
    await server.close();
    await waitFor(() => client.status === 'closed', 'the client to give up');
    const error = await rejectionOf(client.request('calculator', 'AddRequest', { a: 1, b: 1 }));
    expect(error.code).toBe('CONNECTION_CLOSED');
    expect(error.message).toContain('gave up reconnecting');
    expect(error.message).toContain(server.socketPath);
  });

  it('a call made while reconnecting fails with CONNECTION_CLOSED when its deadline passes first', async () => {
    const server = await startTestServer();
    const client = await ActonClient.connect({ socketPath: server.socketPath }, { reconnect: FAST_RECONNECT });
    try {
      await server.app.listener!.stop();
      await server.close();
      await waitFor(() => client.status === 'reconnecting', 'status reconnecting');
      const error = await rejectionOf(client.request('calculator', 'AddRequest', { a: 1, b: 1 }, { timeoutMs: 200 }));
      expect(error.code).toBe('CONNECTION_CLOSED');
      expect(error.message).toMatch(/not reconnected .* within 200 ms/);
    } finally {
      await client.close();
    }
  });
});

describe('streams and subscriptions around close()', () => {
  it('close() errors running streams with CONNECTION_CLOSED and completes push Observables', async () => {
    const server = await startTestServer();
    const client = await ActonClient.connect({ socketPath: server.socketPath });
    try {
      const seen: unknown[] = [];
      const running = rejectionOf(
        firstValueFrom(
          client.stream('worker', 'Count', { to: 100, delay_ms: 100 }).pipe(
            tap((item) => seen.push(item)),
            toArray(),
          ),
        ),
      );
      const opening = rejectionOf(
        firstValueFrom(client.stream('worker', 'Count', { to: 100, delay_ms: 100 }).pipe(toArray())),
      );
      const pushes = firstValueFrom(client.subscribe('PriceUpdate').pipe(toArray()));
      await waitFor(() => seen.length > 0, 'the first stream to start');
      const late = rejectionOf(
        firstValueFrom(client.stream('worker', 'Count', { to: 100, delay_ms: 100 }).pipe(toArray())),
      ); // still connecting when closed
      await client.close();
      expect((await running).code).toBe('CONNECTION_CLOSED');
      expect((await opening).code).toBe('CONNECTION_CLOSED');
      expect((await late).code).toBe('CONNECTION_CLOSED');
      await expect(pushes).resolves.toEqual([]);
    } finally {
      await server.close();
    }
  });
});
